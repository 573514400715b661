"""`_filtering`, `_filtering/_validation` and `_filtering/_activate` through the real app."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.conftest import Api, error_of

T0 = "2023-05-25T12:30:00.000Z"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,9}Z$")
DEFAULT_RULE = {"field": "_", "id": "DEFAULT", "policy": "include", "rule": "regex", "value": ".*"}


def rule(rule_id: str, order: Any, **extra: Any) -> dict[str, Any]:
    body = {"field": "f", "id": rule_id, "order": order, "policy": "exclude", "rule": "regex", "value": "v"}
    return {"created_at": T0, **body, "updated_at": T0, **extra}


def rules_object(state: str = "valid", value: Any = None) -> dict[str, Any]:
    return {
        "advanced_snippet": {"created_at": T0, "updated_at": T0, "value": {} if value is None else value},
        "rules": [rule("DEFAULT", 0, **DEFAULT_RULE)],
        "validation": {"errors": [], "state": state},
    }


async def connector(api: Api, connector_id: str = "c") -> Any:
    await api.put(f"/_connector/{connector_id}", {"index_name": f"search-{connector_id}"})
    return await filtering_of(api, connector_id)


async def filtering_of(api: Api, connector_id: str = "c") -> Any:
    status, body = await api.get(f"/_connector/{connector_id}?include_deleted=true")
    assert status == 200
    return body["filtering"]


async def test_draft_edit_replaces_rules_and_snippet_and_marks_draft_edited(api: Api) -> None:
    before = await connector(api)
    snippet = {"created_at": T0, "updated_at": T0, "value": [{"tables": ["t"], "query": "SELECT 1"}]}
    status, body = await api.put("/_connector/c/_filtering", {"advanced_snippet": snippet, "rules": [rule("r", 2)]})
    assert (status, body) == (200, {"result": "updated"})
    [config] = await filtering_of(api)
    assert config["active"] == before[0]["active"] and config["domain"] == "DEFAULT"
    default_at = config["draft"]["rules"][1]["created_at"]
    assert config["draft"] == {
        "advanced_snippet": snippet,
        "rules": [rule("r", 2), {"created_at": default_at, **DEFAULT_RULE, "order": 3, "updated_at": default_at}],
        "validation": {"errors": [], "state": "edited"},
    }
    assert TIMESTAMP.match(default_at)


async def test_draft_edit_of_rules_keeps_the_stored_snippet(api: Api) -> None:
    before = await connector(api)
    await api.put("/_connector/c/_filtering", {"rules": [rule("r", 0)]})
    [config] = await filtering_of(api)
    assert config["draft"]["advanced_snippet"] == before[0]["draft"]["advanced_snippet"]


async def test_draft_edit_of_snippet_keeps_the_stored_rules(api: Api) -> None:
    before = await connector(api)
    await api.put("/_connector/c/_filtering", {"advanced_snippet": {"value": {"q": 1}}})
    [config] = await filtering_of(api)
    assert config["draft"]["rules"] == before[0]["draft"]["rules"]
    snippet = config["draft"]["advanced_snippet"]
    assert snippet["value"] == {"q": 1} and snippet["created_at"] == snippet["updated_at"]
    assert TIMESTAMP.match(snippet["created_at"])


async def test_rule_without_timestamps_is_stamped_now_and_enums_are_normalised(api: Api) -> None:
    await connector(api)
    sent = {"field": "f", "id": "r", "order": "4", "policy": "INCLUDE", "rule": "starts_with", "value": "x", "extra": 1}
    await api.put("/_connector/c/_filtering", {"rules": sent})
    [config] = await filtering_of(api)
    stored = config["draft"]["rules"][0]
    assert TIMESTAMP.match(stored["created_at"]) and stored["created_at"] == stored["updated_at"]
    assert {key: stored[key] for key in ("order", "policy", "rule")} == {
        "order": 4,
        "policy": "include",
        "rule": "starts_with",
    }
    assert "extra" not in stored


async def test_empty_rules_leave_only_the_default_rule(api: Api) -> None:
    await connector(api)
    await api.put("/_connector/c/_filtering", {"rules": []})
    [config] = await filtering_of(api)
    [only] = config["draft"]["rules"]
    assert {key: only[key] for key in DEFAULT_RULE} == DEFAULT_RULE and only["order"] == 0


async def test_full_replace_writes_every_configuration_with_domain_default(api: Api) -> None:
    await connector(api)
    first = {"active": rules_object(), "domain": "OTHER", "draft": rules_object("invalid"), "unknown": True}
    second = {"active": rules_object(value=[1]), "draft": rules_object()}
    status, body = await api.put("/_connector/c/_filtering", {"filtering": [first, second]})
    assert (status, body) == (200, {"result": "updated"})
    assert await filtering_of(api) == [
        {"active": rules_object(), "domain": "DEFAULT", "draft": rules_object("invalid")},
        {"active": rules_object(value=[1]), "domain": "DEFAULT", "draft": rules_object()},
    ]


async def test_full_replace_stamps_missing_timestamps(api: Api) -> None:
    await connector(api)
    rules = {**rules_object(), "advanced_snippet": {"value": {}}, "rules": [{**DEFAULT_RULE, "order": 0}]}
    await api.put("/_connector/c/_filtering", {"filtering": [{"active": rules, "draft": rules}]})
    [config] = await filtering_of(api)
    stamps = [config["draft"]["advanced_snippet"]["created_at"], config["draft"]["rules"][0]["updated_at"]]
    assert all(TIMESTAMP.match(stamp) for stamp in stamps)


async def test_full_replace_applies_to_a_soft_deleted_connector(api: Api) -> None:
    await connector(api)
    await api.delete("/_connector/c")
    status, _ = await api.put(
        "/_connector/c/_filtering", {"filtering": [{"active": rules_object(), "draft": rules_object()}]}
    )
    assert status == 200
    assert (await filtering_of(api))[0]["draft"] == rules_object()


async def test_draft_edit_keeps_only_the_first_configuration(api: Api) -> None:
    await connector(api)
    configs = [{"active": rules_object(), "draft": rules_object()}, {"active": rules_object(), "draft": rules_object()}]
    await api.put("/_connector/c/_filtering", {"filtering": configs})
    await api.put("/_connector/c/_filtering", {"rules": []})
    assert len(await filtering_of(api)) == 1


async def test_draft_edit_of_connector_without_filtering_starts_from_the_default(api: Api) -> None:
    await connector(api)
    await api.put("/_connector/c/_filtering", {"filtering": []})
    assert await filtering_of(api) == []
    await api.put("/_connector/c/_filtering", {"advanced_snippet": {"value": {"a": 1}}})
    [config] = await filtering_of(api)
    assert config["active"]["validation"]["state"] == "valid" and config["draft"]["validation"]["state"] == "edited"
    assert [item["id"] for item in config["draft"]["rules"]] == ["DEFAULT"]


@pytest.mark.parametrize(
    "path, body",
    [
        ("/_connector/missing/_filtering", {"rules": []}),
        ("/_connector/missing/_filtering", {"filtering": []}),
        ("/_connector/missing/_filtering/_validation", {"validation": {"errors": [], "state": "valid"}}),
        ("/_connector/missing/_filtering/_activate", None),
    ],
)
async def test_missing_connector_is_not_found(api: Api, path: str, body: Any) -> None:
    status, response = await api.put(path, body)
    assert status == 404
    assert error_of(response) == ("resource_not_found_exception", "connector [missing] not found")


@pytest.mark.parametrize(
    "path, body",
    [
        ("/_connector/c/_filtering", {"rules": []}),
        ("/_connector/c/_filtering/_validation", {"validation": {"errors": [], "state": "valid"}}),
        ("/_connector/c/_filtering/_activate", None),
    ],
)
async def test_draft_operations_on_soft_deleted_connector_are_not_found(api: Api, path: str, body: Any) -> None:
    before = await connector(api)
    await api.delete("/_connector/c")
    status, response = await api.put(path, body)
    assert (status, error_of(response)) == (404, ("resource_not_found_exception", "connector [c] not found"))
    assert await filtering_of(api) == before


FILTERING_ERRORS = [
    (
        {},
        "action_request_validation_exception",
        "Validation Failed: 1: [advanced_snippet] and [rules] cannot be both [null].;",
    ),
    (
        {"filtering": [], "advanced_snippet": {"value": {}}},
        "action_request_validation_exception",
        "Validation Failed: 1: If [filtering] is specified, [rules] and [advanced_snippet] should not be present "
        "in the request body.;",
    ),
    (
        {"filtering": None},
        "x_content_parse_exception",
        "[1:15] [connector_update_filtering_request] filtering doesn't support values of type: VALUE_NULL",
    ),
    (
        {"rule": []},
        "x_content_parse_exception",
        "[1:2] [connector_update_filtering_request] unknown field [rule] did you mean [rules]?",
    ),
    (
        {"rules": "x"},
        "x_content_parse_exception",
        "[1:11] [connector_update_filtering_request] rules doesn't support values of type: VALUE_STRING",
    ),
    (
        {"rules": [{"field": "f"}]},
        "x_content_parse_exception",
        "[1:25] [connector_update_filtering_request] failed to parse field [rules]",
    ),
    (
        {"advanced_snippet": {"value": "string literal"}},
        "x_content_parse_exception",
        "[1:32] [connector_update_filtering_request] failed to parse field [advanced_snippet]",
    ),
    (
        {"filtering": [{"active": {}}]},
        "x_content_parse_exception",
        "[1:28] [connector_update_filtering_request] failed to parse field [filtering]",
    ),
]


@pytest.mark.parametrize("body, error_type, reason", FILTERING_ERRORS)
async def test_bad_filtering_request_is_rejected_and_changes_nothing(
    api: Api, body: dict[str, Any], error_type: str, reason: str
) -> None:
    before = await connector(api)
    status, response = await api.put("/_connector/c/_filtering", body)
    assert (status, error_of(response)) == (400, (error_type, reason))
    assert await filtering_of(api) == before


NESTED_CAUSES = [
    ({"rules": [{"field": "f"}]}, ("illegal_argument_exception", "Required [id, order, policy, rule, value]")),
    ({"rules": [rule("r", 0, policy="maybe")]}, ("illegal_argument_exception", "Unknown FilteringPolicy [maybe].")),
    (
        {"rules": [rule("r", 0, rule="REGEX")]},
        ("illegal_argument_exception", "Unknown FilteringRuleCondition [REGEX]."),
    ),
    ({"rules": [rule("r", "first")]}, ("illegal_argument_exception", 'For input string: "first"')),
    (
        {"rules": [rule("r", 2**31)]},
        ("illegal_argument_exception", "Numeric value (2147483648) out of range of int (-2147483648 - 2147483647)"),
    ),
    (
        {"advanced_snippet": {"updated_at": "wrong datetime", "value": {}}},
        (
            "illegal_argument_exception",
            "failed to parse date field [wrong datetime] with format [strict_date_optional_time||epoch_millis]",
        ),
    ),
    ({"advanced_snippet": {"created_at": T0}}, ("illegal_argument_exception", "Required [value]")),
    ({"filtering": [{"active": rules_object()}]}, ("illegal_argument_exception", "Required [draft]")),
]


@pytest.mark.parametrize("body, cause", NESTED_CAUSES)
async def test_bad_nested_filtering_object_names_the_innermost_cause(
    api: Api, body: dict[str, Any], cause: tuple[str, str]
) -> None:
    before = await connector(api)
    status, response = await api.put("/_connector/c/_filtering", body)
    assert status == 400
    error = response["error"]
    while "caused_by" in error:
        error = error["caused_by"]
    assert (error["type"], error["reason"]) == cause
    assert await filtering_of(api) == before


async def test_snippet_value_must_be_an_object_or_array(api: Api) -> None:
    await connector(api)
    _, response = await api.put("/_connector/c/_filtering", {"advanced_snippet": {"value": "string literal"}})
    assert response["error"]["caused_by"] == {
        "type": "x_content_parse_exception",
        "reason": "[1:32] [connector_filtering_advanced_snippet] value doesn't support values of type: VALUE_STRING",
    }


async def test_filtering_without_body_is_a_parse_exception(api: Api) -> None:
    await connector(api)
    status, response = await api.put("/_connector/c/_filtering")
    assert (status, error_of(response)) == (400, ("parse_exception", "request body is required"))


async def test_filtering_with_empty_connector_id_is_a_validation_error(api: Api) -> None:
    status, response = await api.put("/_connector//_filtering", {"rules": []})
    assert (status, error_of(response)) == (
        400,
        ("action_request_validation_exception", 'Validation Failed: 1: [connector_id] cannot be [null] or [""].;'),
    )


async def test_validation_replaces_only_the_draft_validation(api: Api) -> None:
    before = await connector(api)
    validation = {"errors": [{"ids": ["1", 2], "messages": "only one"}], "state": "INVALID"}
    status, body = await api.put("/_connector/c/_filtering/_validation", {"validation": validation})
    assert (status, body) == (200, {"result": "updated"})
    [config] = await filtering_of(api)
    expected = {"errors": [{"ids": ["1", "2"], "messages": ["only one"]}], "state": "invalid"}
    assert config["draft"] == {**before[0]["draft"], "validation": expected}
    assert config["active"] == before[0]["active"]


VALIDATION_ERRORS = [
    ({}, "illegal_argument_exception", "Required [validation]"),
    (
        {"validation": None},
        "x_content_parse_exception",
        "[1:16] [connector_update_filtering_validation] validation doesn't support values of type: VALUE_NULL",
    ),
    (
        {"validation": {"errors": [], "state": "valid"}, "x": 1},
        "x_content_parse_exception",
        "[1:50] [connector_update_filtering_validation] unknown field [x]",
    ),
    (
        {"validation": {"errors": []}},
        "x_content_parse_exception",
        "[1:29] [connector_update_filtering_validation] failed to parse field [validation]",
    ),
]


@pytest.mark.parametrize("body, error_type, reason", VALIDATION_ERRORS)
async def test_bad_validation_request_is_rejected_and_changes_nothing(
    api: Api, body: dict[str, Any], error_type: str, reason: str
) -> None:
    before = await connector(api)
    status, response = await api.put("/_connector/c/_filtering/_validation", body)
    assert (status, error_of(response)) == (400, (error_type, reason))
    assert await filtering_of(api) == before


@pytest.mark.parametrize(
    "validation, cause",
    [
        ({"errors": []}, ("illegal_argument_exception", "Required [state]")),
        ({"state": "valid"}, ("illegal_argument_exception", "Required [errors]")),
        ({"errors": [], "state": "done"}, ("illegal_argument_exception", "Unknown FilteringValidationState: done")),
        (
            {"errors": [{"ids": [None], "messages": []}], "state": "valid"},
            ("illegal_state_exception", "Can't get text on a VALUE_NULL at 1:37"),
        ),
        ({"errors": [{"ids": []}], "state": "valid"}, ("illegal_argument_exception", "Required [messages]")),
    ],
)
async def test_bad_validation_object_names_the_innermost_cause(
    api: Api, validation: dict[str, Any], cause: tuple[str, str]
) -> None:
    await connector(api)
    _, response = await api.put("/_connector/c/_filtering/_validation", {"validation": validation})
    error = response["error"]
    while "caused_by" in error:
        error = error["caused_by"]
    assert (error["type"], error["reason"]) == cause


async def test_activation_copies_a_valid_draft_into_active(api: Api) -> None:
    await connector(api)
    await api.put("/_connector/c/_filtering", {"rules": [rule("r", 0)], "advanced_snippet": {"value": [{"q": 1}]}})
    await api.put("/_connector/c/_filtering/_validation", {"validation": {"errors": [], "state": "valid"}})
    status, body = await api.put("/_connector/c/_filtering/_activate")
    assert (status, body) == (200, {"result": "updated"})
    [config] = await filtering_of(api)
    assert config["active"] == config["draft"]
    assert [item["id"] for item in config["active"]["rules"]] == ["r", "DEFAULT"]


@pytest.mark.parametrize("state", ["edited", "invalid"])
async def test_activation_of_a_draft_that_is_not_valid_is_rejected(api: Api, state: str) -> None:
    await connector(api)
    await api.put("/_connector/c/_filtering/_validation", {"validation": {"errors": [], "state": state}})
    before = await filtering_of(api)
    status, response = await api.put("/_connector/c/_filtering/_activate")
    assert (status, error_of(response)) == (
        400,
        (
            "status_exception",
            "Filtering draft needs to be validated by the connector service before activation. "
            f"Current filtering draft validation state [{state}] is not equal to [valid].",
        ),
    )
    assert await filtering_of(api) == before


async def test_activation_with_a_body_is_rejected(api: Api) -> None:
    before = await connector(api)
    status, response = await api.put("/_connector/c/_filtering/_activate", {"x": 1})
    assert (status, error_of(response)) == (
        400,
        (
            "illegal_argument_exception",
            "request [PUT /_connector/c/_filtering/_activate] does not support having a body",
        ),
    )
    assert await filtering_of(api) == before


async def test_activation_of_an_already_active_draft_is_a_noop(api: Api) -> None:
    await connector(api)
    assert await api.put("/_connector/c/_filtering/_activate") == (200, {"result": "noop"})
