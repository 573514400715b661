"""`_configuration` through the real app: schema replacement, value updates, errors."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.conftest import Api, error_of

FULL_ENTRY = {
    "category": "auth",
    "default_value": None,
    "depends_on": [{"field": "other", "value": 31}],
    "display": "NUMERIC",
    "label": "Very important field",
    "options": [{"label": "ten", "value": 10}, {"label": "five", "value": "5"}],
    "order": "4",
    "placeholder": "type here",
    "required": True,
    "sensitive": "false",
    "tooltip": "Useful.",
    "type": "int",
    "ui_restrictions": ["advanced"],
    "validations": [{"constraint": [1, 2], "type": "INCLUDED_IN"}, {"constraint": "\\d+", "type": "regex"}],
    "value": 123,
    "unknown_key": "ignored",
}

STORED_FULL_ENTRY = {
    "category": "auth",
    "default_value": None,
    "depends_on": [{"field": "other", "value": 31}],
    "display": "numeric",
    "label": "Very important field",
    "options": [{"label": "ten", "value": 10}, {"label": "five", "value": "5"}],
    "order": 4,
    "placeholder": "type here",
    "required": True,
    "sensitive": False,
    "tooltip": "Useful.",
    "type": "int",
    "ui_restrictions": ["advanced"],
    "validations": [{"constraint": [1, 2], "type": "included_in"}, {"constraint": "\\d+", "type": "regex"}],
    "value": 123,
}


async def connector(api: Api, configuration: dict[str, Any] | None = None) -> Any:
    await api.put("/_connector/c", {"index_name": "search-c"})
    if configuration is not None:
        assert (await api.put("/_connector/c/_configuration", {"configuration": configuration}))[0] == 200
    return await stored(api)


async def stored(api: Api) -> Any:
    status, body = await api.get("/_connector/c?include_deleted=true")
    assert status == 200
    return body


async def test_configuration_replaces_the_schema_and_configures_the_connector(api: Api) -> None:
    await connector(api, {"old": {"label": "gone"}})
    status, body = await api.put("/_connector/c/_configuration", {"configuration": {"some_field": FULL_ENTRY}})
    assert (status, body) == (200, {"result": "updated"})
    connector_doc = await stored(api)
    assert connector_doc["configuration"] == {"some_field": STORED_FULL_ENTRY}
    assert list(connector_doc["configuration"]["some_field"]) == list(STORED_FULL_ENTRY)
    assert connector_doc["status"] == "configured"


async def test_minimal_entry_is_stored_with_its_always_written_keys(api: Api) -> None:
    entry = {"label": "L", "tooltip": None, "placeholder": None, "type": None, "value": {"depth": 3}}
    doc = await connector(api, {"f": entry})
    assert doc["configuration"] == {
        "f": {"default_value": None, "label": "L", "required": False, "sensitive": False, "value": {"depth": 3}}
    }


async def test_empty_configuration_clears_the_schema(api: Api) -> None:
    await connector(api, {"f": {"label": "L"}})
    await api.put("/_connector/c/_configuration", {"configuration": {}})
    assert (await stored(api))["configuration"] == {}


async def test_configuration_ignores_the_status_state_machine(api: Api) -> None:
    await connector(api)
    await api.put("/_connector/c/_error", {"error": "boom"})
    await api.put("/_connector/c/_configuration", {"configuration": {}})
    assert (await stored(api))["status"] == "configured"


async def test_values_update_only_the_values_of_the_fields_given(api: Api) -> None:
    await connector(api, {"a": {"label": "A", "value": 1}, "b": {"label": "B", "value": 2}})
    status, body = await api.put("/_connector/c/_configuration", {"values": {"b": "two"}})
    assert (status, body) == (200, {"result": "updated"})
    configuration = (await stored(api))["configuration"]
    assert (configuration["a"]["value"], configuration["b"]["value"], configuration["b"]["label"]) == (1, "two", "B")


async def test_object_value_merges_into_the_stored_object(api: Api) -> None:
    await connector(api, {"crawler": {"label": "C", "value": {"depth": 3, "seeds": ["a"]}}})
    await api.put("/_connector/c/_configuration", {"values": {"crawler": {"seeds": ["b"], "extra": True}}})
    value = (await stored(api))["configuration"]["crawler"]["value"]
    assert value == {"depth": 3, "seeds": ["b"], "extra": True}


async def test_values_set_the_status_to_configured(api: Api) -> None:
    await connector(api, {"a": {"label": "A"}})
    await api.put("/_connector/c/_error", {"error": "boom"})
    await api.put("/_connector/c/_configuration", {"values": {"a": 1}})
    assert (await stored(api))["status"] == "configured"


@pytest.mark.parametrize("values", [None, "text", 5])
async def test_values_that_are_not_an_object_count_as_no_values(api: Api, values: Any) -> None:
    before = await connector(api, {"a": {"label": "A", "value": 1}})
    await api.put("/_connector/c/_error", {"error": "boom"})
    assert await api.put("/_connector/c/_configuration", {"values": values}) == (200, {"result": "updated"})
    after = await stored(api)
    assert after["configuration"] == before["configuration"] and after["status"] == "configured"


async def test_unknown_value_keys_are_rejected_and_change_nothing(api: Api) -> None:
    before = await connector(api, {"a": {"label": "A", "value": 1}})
    status, response = await api.put("/_connector/c/_configuration", {"values": {"zz": 1, "a": 2, "yy": 3}})
    assert (status, error_of(response)) == (
        400,
        (
            "status_exception",
            "Unknown [configuration] fields in the request payload: [zz, yy]. "
            "Remove them from request or register their schema first.",
        ),
    )
    assert await stored(api) == before


@pytest.mark.parametrize("body", [{"configuration": {}}, {"values": {}}])
async def test_missing_connector_is_not_found(api: Api, body: dict[str, Any]) -> None:
    status, response = await api.put("/_connector/missing/_configuration", body)
    assert (status, error_of(response)) == (404, ("resource_not_found_exception", "connector [missing] not found"))


async def test_soft_deleted_connector_is_not_found(api: Api) -> None:
    before = await connector(api, {"a": {"label": "A"}})
    await api.delete("/_connector/c")
    status, response = await api.put("/_connector/c/_configuration", {"values": {"a": 1}})
    assert (status, error_of(response)) == (404, ("resource_not_found_exception", "connector [c] not found"))
    assert {**await stored(api), "deleted": False} == before


REQUEST_ERRORS = [
    (
        {},
        "action_request_validation_exception",
        "Validation Failed: 1: [configuration] and [values] cannot both be null.;",
    ),
    (
        {"configuration": {}, "values": {}},
        "action_request_validation_exception",
        "Validation Failed: 1: [configuration] and [values] cannot both be provided in the same request.;",
    ),
    (
        {"configuration": None},
        "x_content_parse_exception",
        "[1:19] [connector_update_configuration_request] configuration doesn't support values of type: VALUE_NULL",
    ),
    (
        {"values": [1]},
        "x_content_parse_exception",
        "[1:12] [connector_update_configuration_request] values doesn't support values of type: START_ARRAY",
    ),
    (
        {"value": {}},
        "x_content_parse_exception",
        "[1:2] [connector_update_configuration_request] unknown field [value] did you mean [values]?",
    ),
    (
        {"configuration": {"f": "text"}},
        "x_content_parse_exception",
        "[1:25] [connector_update_configuration_request] failed to parse field [configuration]",
    ),
]


@pytest.mark.parametrize("body, error_type, reason", REQUEST_ERRORS)
async def test_bad_configuration_request_is_rejected_and_changes_nothing(
    api: Api, body: dict[str, Any], error_type: str, reason: str
) -> None:
    before = await connector(api, {"f": {"label": "L"}})
    status, response = await api.put("/_connector/c/_configuration", body)
    assert (status, error_of(response)) == (400, (error_type, reason))
    assert await stored(api) == before


ENTRY_CAUSES = [
    ({"display": "numeric"}, ("illegal_argument_exception", "Required [label]")),
    (
        {"label": "L", "display": "some_display_type"},
        ("illegal_argument_exception", "Unknown ConfigurationDisplayType [some_display_type]."),
    ),
    ({"label": "L", "display": None}, ("illegal_state_exception", "Can't get text on a VALUE_NULL at 1:51")),
    ({"label": "L", "type": "STR"}, ("illegal_argument_exception", "Unknown ConfigurationFieldType [STR].")),
    ({"label": "L", "order": "4th"}, ("illegal_argument_exception", 'For input string: "4th"')),
    (
        {"label": "L", "required": "yes"},
        ("illegal_argument_exception", "Failed to parse value [yes] as only [true] or [false] are allowed."),
    ),
    ({"label": "L", "value": [1]}, ("x_content_parse_exception", "Unsupported token [START_ARRAY]")),
    (
        {"label": "L", "options": [{"label": "o", "value": True}]},
        ("x_content_parse_exception", "Unsupported token [VALUE_BOOLEAN]"),
    ),
    (
        {"label": "L", "options": [{"label": "o", "value": None}]},
        ("x_content_parse_exception", "Unsupported token [VALUE_NULL]"),
    ),
    ({"label": "L", "options": [{"label": "o"}]}, ("illegal_argument_exception", "Required [value]")),
    ({"label": "L", "depends_on": [{"value": 1}]}, ("illegal_argument_exception", "Required [field]")),
    (
        {"label": "L", "validations": [{"constraint": 0, "type": "unknown_constraint"}]},
        ("illegal_argument_exception", "Unknown ConfigurationValidationType [unknown_constraint]."),
    ),
    (
        {"label": "L", "validations": [{"constraint": None, "type": "regex"}]},
        ("x_content_parse_exception", "Unsupported token [VALUE_NULL]"),
    ),
    ({"label": "L", "ui_restrictions": [{}]}, ("illegal_state_exception", "Can't get text on a START_OBJECT at 1:60")),
]


async def test_nested_failures_report_the_innermost_position_at_every_level(api: Api) -> None:
    await connector(api, {"f": {"label": "L"}})
    _, response = await api.put(
        "/_connector/c/_configuration", {"configuration": {"f": {"label": "L", "ui_restrictions": [{}]}}}
    )
    assert response["error"]["reason"].startswith("[1:60] [connector_update_configuration_request]")
    assert response["error"]["caused_by"]["reason"].startswith("[1:60] ")


@pytest.mark.parametrize("entry, cause", ENTRY_CAUSES)
async def test_bad_configuration_entry_names_the_innermost_cause_and_changes_nothing(
    api: Api, entry: dict[str, Any], cause: tuple[str, str]
) -> None:
    before = await connector(api, {"f": {"label": "L"}})
    status, response = await api.put("/_connector/c/_configuration", {"configuration": {"f": entry}})
    assert status == 400
    error = response["error"]
    # Every level names the position of the innermost failure, as ES's ObjectParser does.
    assert re.fullmatch(
        r"\[1:\d+\] \[connector_update_configuration_request\] failed to parse field \[configuration\]", error["reason"]
    )
    while "caused_by" in error:
        error = error["caused_by"]
    assert (error["type"], error["reason"]) == cause
    assert await stored(api) == before


async def test_wrong_token_in_an_entry_is_reported_by_the_entry_parser(api: Api) -> None:
    await connector(api)
    _, response = await api.put("/_connector/c/_configuration", {"configuration": {"f": {"label": "L", "order": None}}})
    assert response["error"]["caused_by"] == {
        "type": "x_content_parse_exception",
        "reason": "[1:49] [connector_configuration] order doesn't support values of type: VALUE_NULL",
    }


async def test_configuration_without_body_is_a_parse_exception(api: Api) -> None:
    await connector(api)
    status, response = await api.put("/_connector/c/_configuration")
    assert (status, error_of(response)) == (400, ("parse_exception", "request body is required"))


async def test_configuration_with_empty_connector_id_reports_every_problem(api: Api) -> None:
    status, response = await api.put("/_connector//_configuration", {})
    assert (status, error_of(response)) == (
        400,
        (
            "action_request_validation_exception",
            'Validation Failed: 1: [connector_id] cannot be [null] or [""].;'
            "2: [configuration] and [values] cannot both be null.;",
        ),
    )
