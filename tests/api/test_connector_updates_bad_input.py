"""Bad bodies on the connector partial-update endpoints: Elasticsearch's 400, and nothing written.

Each row gives the body as raw JSON (positions in reasons depend on it) and the whole error
chain, outermost first, as `(type, reason)` pairs.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, error_of

URL = "/_connector/my-connector"
XCP = "x_content_parse_exception"
IAE = "illegal_argument_exception"
ARV = "action_request_validation_exception"


def row(endpoint: str, raw: str, *chain: tuple[str, str]) -> Any:
    return pytest.param(endpoint, raw, list(chain), id=f"{endpoint}:{raw}")


def parse_failed(parser: str, position: str, field: str) -> tuple[str, str]:
    return (XCP, f"[{position}] [{parser}] failed to parse field [{field}]")


def no_support(parser: str, position: str, field: str, token: str) -> tuple[str, str]:
    return (XCP, f"[{position}] [{parser}] {field} doesn't support values of type: {token}")


def unknown(parser: str, position: str, field: str) -> tuple[str, str]:
    return (XCP, f"[{position}] [{parser}] unknown field [{field}]")


def invalid(*messages: str) -> tuple[str, str]:
    return (ARV, "Validation Failed: " + "".join(f"{n}: {m};" for n, m in enumerate(messages, start=1)))


STATUS = "connector_update_status_request"
ERROR = "connector_update_error_request"
NAME = "connector_update_name_request"
API_KEY = "connector_update_api_key_id_request"
PIPELINE = "connector_update_pipeline_request"
INDEX_NAME = "connector_update_index_name_request"
SERVICE_TYPE = "connector_update_service_type_request"
NATIVE = "connector_update_native_request"
SCHEDULING = "connector_update_scheduling_request"
FEATURES = "connector_update_features_request"
BOTH_NULL = "{} cannot both be [null]. Please provide a value for at least one of them."
BAD_INDEX = "[_bad] InvalidIndexNameException[Invalid index name [_bad], must not start with '_', '-', or '+']"

BAD_INPUT = [
    row("_status", "[]", (XCP, f"[1:1] [{STATUS}] Expected START_OBJECT but was: START_ARRAY")),
    row("_status", "{}", invalid("[status] cannot be [null].")),
    row("_status", '{"status": null}', no_support(STATUS, "1:12", "status", "VALUE_NULL")),
    row("_status", '{"status": {"a": 1}}', no_support(STATUS, "1:12", "status", "START_OBJECT")),
    row(
        "_status",
        '{"status": "_invalid-status"}',
        parse_failed(STATUS, "1:12", "status"),
        (IAE, "Unknown ConnectorStatus: _invalid-status"),
    ),
    row("_status", '{"status": "error", "x": 1}', unknown(STATUS, "1:21", "x")),
    row("_error", "{}", (IAE, "Required [error]")),
    row("_error", '{"error": {"field_1": "test"}}', no_support(ERROR, "1:11", "error", "START_OBJECT")),
    row("_error", '{"error": 1}', no_support(ERROR, "1:11", "error", "VALUE_NUMBER")),
    row("_error", '{"error": "e", "status": "error"}', unknown(ERROR, "1:16", "status")),
    row("_name", "{}", invalid(BOTH_NULL.format("[name] and [description]"))),
    row("_name", '{"name": null, "description": null}', invalid(BOTH_NULL.format("[name] and [description]"))),
    row("_name", '{"name": {"field_1": "test"}}', no_support(NAME, "1:10", "name", "START_OBJECT")),
    row("_name", '{"name": true}', no_support(NAME, "1:10", "name", "VALUE_BOOLEAN")),
    row("_name", '{"nam": "x"}', (XCP, f"[1:2] [{NAME}] unknown field [nam] did you mean [name]?")),
    row(
        "_api_key_id",
        '{"api_key_id": null, "api_key_secret_id": null}',
        invalid(BOTH_NULL.format("[api_key_id] and [api_key_secret_id]")),
    ),
    row("_api_key_id", '{"api_key_id": ["a"]}', no_support(API_KEY, "1:16", "api_key_id", "START_ARRAY")),
    row("_api_key_id", '{"api_key": "a"}', unknown(API_KEY, "1:2", "api_key")),
    row("_pipeline", "{}", (IAE, "Required [pipeline]")),
    row("_pipeline", '{"pipeline": null}', no_support(PIPELINE, "1:14", "pipeline", "VALUE_NULL")),
    row("_pipeline", '{"pipeline": "p"}', no_support(PIPELINE, "1:14", "pipeline", "VALUE_STRING")),
    row(
        "_pipeline",
        '{"pipeline": {"extract_binary_content": true, "name": "p", "run_ml_inference": false}}',
        parse_failed(PIPELINE, "1:85", "pipeline"),
        (IAE, "Required [reduce_whitespace]"),
    ),
    row(
        "_pipeline",
        '{"pipeline": {"extract_binary_content": "yes"}}',
        parse_failed(PIPELINE, "1:41", "pipeline"),
        parse_failed("connector_ingest_pipeline", "1:41", "extract_binary_content"),
        (IAE, "Failed to parse value [yes] as only [true] or [false] are allowed."),
    ),
    row("_index_name", "{}", (IAE, "Required [index_name]")),
    row(
        "_index_name",
        '{"index_name": {"field_1": "test"}}',
        no_support(INDEX_NAME, "1:16", "index_name", "START_OBJECT"),
    ),
    row("_index_name", '{"index_name": "_bad"}', invalid(BAD_INDEX)),
    row("_service_type", "{}", (IAE, "Required [service_type]")),
    row("_service_type", '{"service_type": null}', no_support(SERVICE_TYPE, "1:18", "service_type", "VALUE_NULL")),
    row("_service_type", '{"service_type": ""}', invalid('[service_type] cannot be [null] or [""].')),
    row("_native", "{}", (IAE, "Required [is_native]")),
    row("_native", '{"is_native": {"field_1": "test"}}', no_support(NATIVE, "1:15", "is_native", "START_OBJECT")),
    row("_native", '{"is_native": null}', no_support(NATIVE, "1:15", "is_native", "VALUE_NULL")),
    row(
        "_native",
        '{"is_native": "yes"}',
        parse_failed(NATIVE, "1:15", "is_native"),
        (IAE, "Failed to parse value [yes] as only [true] or [false] are allowed."),
    ),
    row("_scheduling", "{}", (IAE, "Required [scheduling]")),
    row(
        "_scheduling",
        '{"scheduling": {}}',
        invalid(
            "[scheduling] object needs to define at least one schedule type: [full | incremental | access_control]"
        ),
    ),
    row(
        "_scheduling",
        '{"scheduling": {"weekly": {}}}',
        invalid(
            "[scheduling] object needs to define at least one schedule type: [full | incremental | access_control]"
        ),
    ),
    row(
        "_scheduling",
        '{"scheduling": {"full": {"interval": "0 0 0 * * ?"}}}',
        parse_failed(SCHEDULING, "1:51", "scheduling"),
        parse_failed("connector_scheduling", "1:51", "full"),
        (IAE, "Required [enabled]"),
    ),
    row(
        "_scheduling",
        '{"scheduling": {"access_control": {"enabled": true, "interval": "61 0 0 * * ?"}}}',
        parse_failed(SCHEDULING, "1:65", "scheduling"),
        parse_failed("connector_scheduling", "1:65", "access_control"),
        parse_failed("schedule_config", "1:65", "interval"),
        (XCP, "Failed to build [schedule_config] after last required field arrived"),
        (IAE, "invalid cron expression [61 0 0 * * ?]"),
        (
            IAE,
            "illegal cron expression format [java.lang.IllegalArgumentException: "
            "Minute and Second values must be between 0 and 59]",
        ),
    ),
    row(
        "_scheduling",
        '{"scheduling": {"full": {"interval": "0 0 0 * * *", "enabled": false}}}',
        parse_failed(SCHEDULING, "1:64", "scheduling"),
        parse_failed("connector_scheduling", "1:64", "full"),
        parse_failed("schedule_config", "1:64", "enabled"),
        (XCP, "Failed to build [schedule_config] after last required field arrived"),
        (IAE, "invalid cron expression [0 0 0 * * *]"),
        (
            IAE,
            "illegal cron expression format [java.lang.IllegalArgumentException: support for specifying both "
            "a day-of-week AND a day-of-month parameter is not implemented.]",
        ),
    ),
    row("_features", "{}", invalid("[features] cannot be [null].")),
    row("_features", '{"features": null}', no_support(FEATURES, "1:14", "features", "VALUE_NULL")),
    row(
        "_features",
        '{"featuresss": {"not_a_feature": 12423}}',
        (XCP, f"[1:2] [{FEATURES}] unknown field [featuresss] did you mean [features]?"),
    ),
    row(
        "_features",
        '{"features": {"incremental_sync": {}}}',
        parse_failed(FEATURES, "1:36", "features"),
        parse_failed("connector_features", "1:36", "incremental_sync"),
        (IAE, "Required [enabled]"),
    ),
]


def chain_of(body: dict[str, Any]) -> list[tuple[str, str]]:
    error_of(body)
    chain, error = [], body["error"]
    while error is not None:
        chain.append((error["type"], error["reason"]))
        error = error.get("caused_by")
    return chain


@pytest.mark.parametrize(("endpoint", "raw", "chain"), BAD_INPUT)
async def test_bad_body_is_rejected_with_elasticsearch_error_and_changes_nothing(
    api: Api, endpoint: str, raw: str, chain: list[tuple[str, str]]
) -> None:
    status, _ = await api.put(URL, {"index_name": "search-test", "is_native": False})
    assert status == 201
    _, before = await api.get(URL)
    status, body = await api.put(f"{URL}/{endpoint}", raw=raw.encode())
    assert (status, chain_of(body)) == (400, chain)
    assert body["status"] == 400
    assert await api.get(URL) == (200, before)
