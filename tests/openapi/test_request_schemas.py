"""Each request schema against the parser it was generated from.

Both directions: a body the schema allows, the parser accepts (bodies generated from the
schema, and checked against it with `jsonschema`); a value of a JSON type the schema excludes,
an enum value it does not list, or an unknown member of a strict object, the parser refuses.

Two checks no JSON Schema states are given known-good values instead of generated ones: a
schedule's Quartz cron expression (here) and dates (see `strategies.DATES`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from app.errors import ElasticsearchError
from app.openapi.bodies import JsonSchema, body_components, reachable_parsers
from app.openapi.components import RESPONSE_PARSERS
from app.openapi.registry import OPERATIONS
from app.parsing import Body
from app.schemas import sync_jobs
from tests.openapi.strategies import inline, values

PARSERS = reachable_parsers([*(entry.body for entry in OPERATIONS.values() if entry.body), *RESPONSE_PARSERS])
SCHEMAS = body_components(PARSERS.values())

CRONS = ["0 0 0 * * ?", "0 */5 * * * ?", "0 30 8 ? * MON-FRI"]
SAMPLES: dict[str, Any] = {"object": {}, "array": [], "string": "text", "number": 1.5, "boolean": True, "null": None}
"""One value of each JSON type, to put where a schema does not allow that type."""

GENERATION = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


ROUTE_PARSING: dict[str, Callable[[Body], Any]] = {
    "connector_sync_job_post_request": sync_jobs.parse_post,
    "claim_connector_sync_job": lambda body: sync_jobs.parse_claim("job", body),
    "connector_sync_job_error_request": lambda body: sync_jobs.parse_error("job", body),
    "connector_sync_job_update_ingestion_stats": lambda body: sync_jobs.parse_stats("job", body),
}
"""Routes that check more once their parser is done (enums, empty and negative values), as
Elasticsearch does when it builds the request: these bodies go through all of it."""


def parse(name: str, value: Any) -> Any:
    read = ROUTE_PARSING.get(name, PARSERS[name].parse)
    return read(Body(value, json.dumps(value).encode()))


def _with_known_good_crons(schemas: dict[str, JsonSchema]) -> dict[str, JsonSchema]:
    patched = copy.deepcopy(schemas)
    patched["schedule_config"]["properties"]["interval"] = {"enum": CRONS}
    return patched


GENERATED_FROM = _with_known_good_crons(SCHEMAS)


@cache
def bodies(name: str) -> st.SearchStrategy[Any]:
    return values(GENERATED_FROM[name], GENERATED_FROM)


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(inline(SCHEMAS[name], SCHEMAS))


def kinds_of(schema: JsonSchema) -> set[str]:
    """The JSON types a member's schema allows (`integer` stands for numbers: the parser truncates)."""
    if "$ref" in schema:
        return {"object"}
    if "anyOf" in schema:
        return set().union(*(kinds_of(variant) for variant in schema["anyOf"]))
    kinds = schema.get("type", list(SAMPLES))
    found = {kinds} if isinstance(kinds, str) else set(kinds)
    return {"number" if kind == "integer" else kind for kind in found}


def test_every_parser_has_a_schema_and_the_names_are_unique() -> None:
    assert set(SCHEMAS) == set(PARSERS)
    assert len(PARSERS) >= 30


@pytest.mark.parametrize("name", sorted(PARSERS))
@GENERATION
@given(data=st.data())
def test_a_body_the_schema_allows_is_accepted_by_the_parser(name: str, data: st.DataObject) -> None:
    body = data.draw(bodies(name))
    validator(name).validate(body)
    parse(name, body)


@pytest.mark.parametrize("name", sorted(PARSERS))
@GENERATION
@given(data=st.data())
def test_a_member_of_a_type_the_schema_excludes_is_refused_by_the_parser(name: str, data: st.DataObject) -> None:
    properties = SCHEMAS[name]["properties"]
    excluded = {member: sorted(set(SAMPLES) - kinds_of(schema)) for member, schema in properties.items()}
    candidates = sorted(member for member, kinds in excluded.items() if kinds)
    if not candidates:
        return
    body = dict(data.draw(bodies(name)))
    member = data.draw(st.sampled_from(candidates))
    body[member] = SAMPLES[data.draw(st.sampled_from(excluded[member]))]
    with pytest.raises(ElasticsearchError):
        parse(name, body)


@pytest.mark.parametrize("name", sorted(PARSERS))
@GENERATION
@given(data=st.data())
def test_a_value_outside_an_enum_is_refused_by_the_parser(name: str, data: st.DataObject) -> None:
    properties = SCHEMAS[name]["properties"]
    enums = sorted(member for member, schema in properties.items() if "enum" in schema and "string" in kinds_of(schema))
    if not enums:
        return
    body = dict(data.draw(bodies(name)))
    body[data.draw(st.sampled_from(enums))] = "not-a-listed-value"
    with pytest.raises(ElasticsearchError):
        parse(name, body)


@pytest.mark.parametrize("name", sorted(PARSERS))
@GENERATION
@given(data=st.data())
def test_an_unknown_member_is_refused_exactly_when_the_schema_closes_the_object(name: str, data: st.DataObject) -> None:
    body = dict(data.draw(bodies(name)))
    body["not_a_declared_member"] = 1
    if SCHEMAS[name].get("additionalProperties") is False:
        with pytest.raises(ElasticsearchError, match=r"unknown field \[not_a_declared_member\]"):
            parse(name, body)
    else:
        assert "not_a_declared_member" not in parse(name, body)


def test_nested_parsers_are_referenced_not_inlined() -> None:
    pipeline = SCHEMAS["connector_update_pipeline_request"]["properties"]["pipeline"]
    rules = SCHEMAS["connector_update_filtering_request"]["properties"]["rules"]
    configuration = SCHEMAS["connector_update_configuration_request"]["properties"]["configuration"]
    assert pipeline == {"$ref": "#/components/schemas/connector_ingest_pipeline"}
    assert rules == {
        "anyOf": [
            {"$ref": "#/components/schemas/connector_filtering_rule"},
            {"type": "array", "items": {"$ref": "#/components/schemas/connector_filtering_rule"}},
        ]
    }
    assert configuration == {
        "type": "object",
        "additionalProperties": {"$ref": "#/components/schemas/connector_configuration"},
    }


def test_longs_take_integers_and_numeric_strings_within_range() -> None:
    count = SCHEMAS["connector_update_last_sync_stats_request"]["properties"]["last_indexed_document_count"]
    assert count == {
        "type": ["integer", "string"],
        "minimum": -(2**63),
        "maximum": 2**63 - 1,
        "pattern": r"^-?[0-9]{1,18}$",
    }


def test_booleans_take_true_false_and_their_strings() -> None:
    is_native = SCHEMAS["connector_update_native_request"]["properties"]["is_native"]
    assert is_native == {"type": ["boolean", "string"], "enum": [True, False, "true", "false"]}


def test_enums_list_the_wire_values_and_null_where_null_is_accepted() -> None:
    status = SCHEMAS["connector_update_last_sync_stats_request"]["properties"]["last_sync_status"]
    assert status == {
        "type": ["string", "null"],
        "enum": ["canceling", "canceled", "completed", "error", "in_progress", "pending", "suspended", None],
    }


def test_required_members_and_strictness_follow_the_parser() -> None:
    post = SCHEMAS["connector_sync_job_post_request"]
    pipeline = SCHEMAS["connector_ingest_pipeline"]
    assert post["required"] == ["id"] and post["additionalProperties"] is False
    assert pipeline["required"] == ["extract_binary_content", "name", "reduce_whitespace", "run_ml_inference"]
    assert "additionalProperties" not in pipeline
