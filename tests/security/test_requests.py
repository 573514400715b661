"""The API key request bodies, checked as Elasticsearch checks them."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from app.errors import ElasticsearchError
from app.parsing import Body
from app.security.privileges import unknown_privilege_message
from app.security.requests import KeySelection, parse_create, parse_invalidate, parse_time_value

SETTING = "failed to parse setting [expiration] with value [{}] as a time value"


def body(value: Any) -> Body:
    return Body(value, orjson.dumps(value))


def error(parse: Any, value: Any) -> tuple[str, str]:
    with pytest.raises(ElasticsearchError) as caught:
        parse(body(value))
    return caught.value.type, caught.value.reason


def test_a_full_create_request_is_read() -> None:
    request = parse_create(body({
        "name": "ingest", "expiration": "30m", "metadata": {"team": "search"},
        "role_descriptors": {"writer": {"cluster": ["manage_connector"], "indices": [{"names": ["*"]}]}},
    }))

    assert (request.name, request.expiration_ms, request.metadata) == ("ingest", 1_800_000, {"team": "search"})
    assert request.privileges() == frozenset({"manage_connector"})


def test_a_key_without_role_descriptors_inherits_its_owners_privileges() -> None:
    assert parse_create(body({"name": "k"})).privileges() is None
    assert parse_create(body({"name": "k", "role_descriptors": {}})).privileges() is None
    assert parse_create(body({"name": "k", "role_descriptors": {"r": {}}})).privileges() == frozenset()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({}, ("illegal_argument_exception", "Required [name]")),
        ({"name": ""}, ("action_request_validation_exception", "Validation Failed: 1: api key name is required;")),
        ({"name": " k"}, ("action_request_validation_exception",
                          "Validation Failed: 1: api key name may not begin or end with whitespace;")),
        ({"name": "_k"}, ("action_request_validation_exception",
                          "Validation Failed: 1: api key name may not begin with an underscore;")),
        ({"name": "k" * 257}, ("action_request_validation_exception",
                               "Validation Failed: 1: api key name may not be more than 256 characters long;")),
        ({"name": "k", "metadata": {"_x": 1}}, ("action_request_validation_exception",
                                                "Validation Failed: 1: API key metadata keys may not start with [_];")),
        ({"name": "k", "role_descriptors": {"r": {"cluster": ["nope"]}}},
         ("action_request_validation_exception", f"Validation Failed: 1: {unknown_privilege_message('nope')};")),
        ({"name": "k", "role_descriptors": {"r": {"clusters": []}}},
         ("parse_exception", "failed to parse role [r]. unexpected field [clusters]")),
        ({"name": "k", "role_descriptors": {"r": []}},
         ("parse_exception", "failed to parse role [r]. expected an object but found [START_ARRAY] instead")),
        ({"name": "k", "nickname": "x"},
         ("x_content_parse_exception", "[1:13] [api_key_request] unknown field [nickname]")),
        ({"name": "k", "expiration": "1y"}, ("parse_exception",
         "failed to parse setting [expiration] with value [1y] as a time value: unit is missing or unrecognized")),
    ],
)
def test_create_errors_are_elasticsearchs(value: dict[str, Any], expected: tuple[str, str]) -> None:
    assert error(parse_create, value) == expected


@pytest.mark.parametrize(
    ("text", "milliseconds"),
    [("1d", 86_400_000), ("30m", 1_800_000), ("2h", 7_200_000), ("10s", 10_000), ("250ms", 250), ("0", 0),
     ("-1", None), (" 5D ", 432_000_000), ("3000micros", 3), ("1nanos", 0)],
)
def test_time_values_read_as_elasticsearch_reads_them(text: str, milliseconds: int | None) -> None:
    assert parse_time_value(text, "expiration") == milliseconds


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1.5h", "failed to parse [1.5h], fractional time values are not supported"),
        ("xh", "failed to parse [xh]"),
        ("-2d", f"{SETTING.format('-2d')}: negative durations are not supported"),
        ("12", f"{SETTING.format('12')}: unit is missing or unrecognized"),
    ],
)
def test_bad_time_values_are_parse_errors(text: str, reason: str) -> None:
    with pytest.raises(ElasticsearchError) as caught:
        parse_time_value(text, "expiration")
    assert (caught.value.type, caught.value.reason) == ("parse_exception", reason)


def test_invalidation_selections_are_read() -> None:
    assert parse_invalidate(body({"ids": ["a", "b"]})) == KeySelection(ids=("a", "b"))
    assert parse_invalidate(body({"name": "k", "owner": True})) == KeySelection(name="k", owner=True)
    assert parse_invalidate(body({"username": "u", "realm_name": "r"})) == KeySelection(username="u", realm_name="r")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({}, "Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified "
             "if [owner] flag is false;"),
        ({"ids": []}, "Validation Failed: 1: Field [ids] cannot be an empty array;"),
        ({"ids": ["a", " "]}, "Validation Failed: 1: Field [ids] must not contain blank id, but got blank id at "
                              "index position: [1];"),
        ({"ids": ["a"], "name": "k"},
         "Validation Failed: 1: only one of [api key id(s), api key name] can be specified;"),
        ({"name": "k", "username": "u"}, "Validation Failed: 1: username or realm name must not be specified when the "
                                         "api key id(s) or api key name are specified;"),
        ({"owner": True, "realm_name": "r"}, "Validation Failed: 1: neither username nor realm-name may be specified "
                                             "when invalidating owned API keys;"),
    ],
)
def test_invalidation_validation_errors_are_elasticsearchs(value: dict[str, Any], reason: str) -> None:
    assert error(parse_invalidate, value) == ("action_request_validation_exception", reason)


def test_invalidate_rejects_unknown_fields_and_non_string_ids() -> None:
    assert error(parse_invalidate, {"id": "a"}) == (
        "x_content_parse_exception", "[1:2] [invalidate_api_key] unknown field [id]"
    )
    assert error(parse_invalidate, {"ids": [{"a": 1}]}) == (
        "x_content_parse_exception", "[1:8] [invalidate_api_key] failed to parse field [ids]"
    )
