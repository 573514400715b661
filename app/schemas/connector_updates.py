"""Request bodies of the connector partial-update endpoints, declared as Elasticsearch declares them.

Top-level parsers are strict (unknown fields are a 400); the nested value objects (pipeline,
schedules, features) are lenient, as in Elasticsearch. Nested objects come back with their keys
in Elasticsearch's serialisation order, which is the order a GET shows them in.
"""

from __future__ import annotations

from typing import Any

from app.domain.cron import InvalidCronExpression, validate_cron
from app.domain.models import ConnectorStatus, parse_enum
from app.errors import IllegalArgument, XContentParseError
from app.jsonpos import Path
from app.parsing import (
    BOOLEAN,
    NULL,
    OBJECT,
    STRING,
    Body,
    Converter,
    Field,
    ObjectParser,
    any_given,
    nested,
    parse_error,
    to_boolean,
)
from app.schemas.connectors import INDEX_NAME


def _status(value: str, _body: Body, _path: Path) -> ConnectorStatus:
    return parse_enum(ConnectorStatus, value)


def _ordered(parser: ObjectParser, parsed: dict[str, Any]) -> dict[str, Any]:
    return {item.name: parsed[item.name] for item in parser.fields if item.name in parsed}


def _nested_in_order(parser: ObjectParser) -> Converter:
    return lambda _value, body, path: _ordered(parser, parser.parse(body, path))


UPDATE_STATUS = ObjectParser(
    "connector_update_status_request",
    [Field("status", STRING, _status, enum=tuple(ConnectorStatus))],
    schema=any_given("status"),
)

UPDATE_ERROR = ObjectParser("connector_update_error_request", [Field("error", STRING | NULL, required=True)])

UPDATE_NAME = ObjectParser(
    "connector_update_name_request",
    [Field("name", STRING | NULL), Field("description", STRING | NULL)],
    schema=any_given("name", "description"),
)

UPDATE_API_KEY_ID = ObjectParser(
    "connector_update_api_key_id_request",
    [Field("api_key_id", STRING | NULL), Field("api_key_secret_id", STRING | NULL)],
    schema=any_given("api_key_id", "api_key_secret_id"),
)

PIPELINE = ObjectParser(
    "connector_ingest_pipeline",
    [
        Field("extract_binary_content", BOOLEAN, to_boolean, required=True),
        Field("name", STRING, required=True),
        Field("reduce_whitespace", BOOLEAN, to_boolean, required=True),
        Field("run_ml_inference", BOOLEAN, to_boolean, required=True),
    ],
    strict=False,
)

UPDATE_PIPELINE = ObjectParser(
    "connector_update_pipeline_request",
    [Field("pipeline", OBJECT, _nested_in_order(PIPELINE), required=True, parser=PIPELINE)],
)

UPDATE_INDEX_NAME = ObjectParser(
    "connector_update_index_name_request", [Field("index_name", STRING | NULL, required=True, schema=INDEX_NAME)]
)

UPDATE_SERVICE_TYPE = ObjectParser(
    "connector_update_service_type_request", [Field("service_type", STRING, required=True, schema={"minLength": 1})]
)

UPDATE_NATIVE = ObjectParser(
    "connector_update_native_request", [Field("is_native", BOOLEAN, to_boolean, required=True)]
)

SCHEDULE_CONFIG = ObjectParser(
    "schedule_config",
    [
        Field("enabled", BOOLEAN, to_boolean, required=True),
        Field("interval", STRING, required=True, description="A Quartz cron expression, e.g. `0 0 0 * * ?`."),
    ],
    strict=False,
)


def _schedule(value: dict[str, Any], body: Body, path: Path) -> dict[str, Any]:
    """One schedule; its cron is checked once both fields are in, as ES builds its `Cron` then.

    Elasticsearch stores the expression upper-cased (`Cron` normalises it), so this does too.
    """
    parsed = SCHEDULE_CONFIG.parse(body, path)
    try:
        validate_cron(parsed["interval"])
    except InvalidCronExpression as error:
        raise _failed_to_build(value, body, path, error) from None
    return {"enabled": parsed["enabled"], "interval": parsed["interval"].upper()}


def _failed_to_build(value: dict[str, Any], body: Body, path: Path, error: InvalidCronExpression) -> XContentParseError:
    last_arrived = [key for key in value if key in ("enabled", "interval")][-1]
    cron_error = IllegalArgument(error.reason, caused_by=IllegalArgument(error.cause_reason))
    build_error = XContentParseError(
        "Failed to build [schedule_config] after last required field arrived", caused_by=cron_error
    )
    build_error.location = body.location(path + (last_arrived,))
    return parse_error(
        build_error.location, f"[schedule_config] failed to parse field [{last_arrived}]", caused_by=build_error
    )


SCHEDULING = ObjectParser(
    "connector_scheduling",
    [Field(kind, OBJECT, _schedule, parser=SCHEDULE_CONFIG) for kind in ("access_control", "full", "incremental")],
    strict=False,
    schema=any_given("access_control", "full", "incremental"),
)

UPDATE_SCHEDULING = ObjectParser(
    "connector_update_scheduling_request",
    [Field("scheduling", OBJECT, _nested_in_order(SCHEDULING), required=True, parser=SCHEDULING)],
)

FEATURE_ENABLED = ObjectParser(
    "connector_feature_enabled", [Field("enabled", BOOLEAN, to_boolean, required=True)], strict=False
)

SYNC_RULES_FEATURES = ObjectParser(
    "sync_rules_features",
    [Field(name, OBJECT, nested(FEATURE_ENABLED)) for name in ("advanced", "basic")],
    strict=False,
)

FEATURES = ObjectParser(
    "connector_features",
    [
        *(
            Field(name, OBJECT, nested(FEATURE_ENABLED))
            for name in ("document_level_security", "incremental_sync", "native_connector_api_keys")
        ),
        Field("sync_rules", OBJECT, _nested_in_order(SYNC_RULES_FEATURES), parser=SYNC_RULES_FEATURES),
    ],
    strict=False,
)

UPDATE_FEATURES = ObjectParser(
    "connector_update_features_request",
    [Field("features", OBJECT, _nested_in_order(FEATURES), parser=FEATURES)],
    schema=any_given("features"),
)
