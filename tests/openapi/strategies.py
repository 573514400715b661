"""Hypothesis strategies for the JSON Schema subset the request schemas use.

hypothesis-jsonschema would do this, but its last release (0.23, 2024) relies on Hypothesis
internals that current Hypothesis no longer has; the subset here is small: `type`, `enum`,
`properties`/`required`/`additionalProperties`, `items`, `anyOf`/`oneOf`, `$ref`,
`minimum`/`maximum`, `minLength`, `pattern` and `format: date-time`.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from app.openapi.bodies import JsonSchema

ALL_KINDS = ("object", "array", "integer", "number", "boolean", "string", "null")
DATES = ["2024-05-25", "2024-05-25T12:30", "2024-05-25T12:30:00.123Z", "2024-05-25T12:30:00+02:00", "1716640200000"]
"""`format: date-time` allows offsets of ±18 hours and more, which Elasticsearch's date parser
(and so ours) refuses: dates are drawn from known-good ones."""

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def resolve(schema: JsonSchema, schemas: dict[str, JsonSchema]) -> JsonSchema:
    if "$ref" not in schema:
        return schema
    target = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    return {**target, **{key: value for key, value in schema.items() if key != "$ref"}}


def inline(schema: Any, schemas: dict[str, JsonSchema]) -> Any:
    """`schema` with every `$ref` replaced by its target (no request schema is recursive)."""
    if isinstance(schema, list):
        return [inline(item, schemas) for item in schema]
    if not isinstance(schema, dict):
        return schema
    return {key: inline(value, schemas) for key, value in resolve(schema, schemas).items()}


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string" if isinstance(value, str) else "object" if isinstance(value, dict) else "array"


def values(schema: JsonSchema, schemas: dict[str, JsonSchema]) -> st.SearchStrategy[Any]:
    """Every value `schema` allows (within small sizes)."""
    schema = resolve(schema, schemas)
    if "properties" in schema and schema.keys() & {"anyOf", "oneOf"}:
        # Rules across members (`any_given`): draw the members, keep the objects that follow them.
        members = {key: value for key, value in schema.items() if key not in ("anyOf", "oneOf")}
        return values(members, schemas).filter(Draft202012Validator(inline(schema, schemas)).is_valid)
    if "anyOf" in schema:
        return st.one_of([values(variant, schemas) for variant in schema["anyOf"]])
    kinds = schema.get("type", ALL_KINDS)
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    if "enum" in schema:
        allowed = [value for value in schema["enum"] if _fits(json_kind(value), kinds)]
        return st.sampled_from(allowed)
    if not schema.keys() - {"description", "title"}:
        return JSON
    return st.one_of([_of_kind(kind, schema, schemas) for kind in kinds])


def _fits(kind: str, kinds: list[str]) -> bool:
    return kind in kinds or (kind == "integer" and "number" in kinds)


def _of_kind(kind: str, schema: JsonSchema, schemas: dict[str, JsonSchema]) -> st.SearchStrategy[Any]:
    if kind == "object":
        return _objects(schema, schemas)
    if kind == "array":
        items = schema.get("items")
        return st.lists(values(items, schemas) if items else JSON, max_size=3)
    if kind == "string":
        return _strings(schema)
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.integers(low, high) | st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.booleans() if kind == "boolean" else st.none()


def _strings(schema: JsonSchema) -> st.SearchStrategy[str]:
    if schema.get("format") == "date-time":
        return st.sampled_from(DATES)
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    return st.text(min_size=schema.get("minLength", 0), max_size=12)


def _objects(schema: JsonSchema, schemas: dict[str, JsonSchema]) -> st.SearchStrategy[dict[str, Any]]:
    properties = {name: values(member, schemas) for name, member in schema.get("properties", {}).items()}
    required = set(schema.get("required", ()))
    declared = st.fixed_dictionaries(
        {name: strategy for name, strategy in properties.items() if name in required},
        optional={name: strategy for name, strategy in properties.items() if name not in required},
    )
    others = schema.get("additionalProperties", True)
    if others is False:
        return declared
    extra_values = values(others, schemas) if isinstance(others, dict) else JSON
    extra_names = st.text(min_size=1, max_size=8).filter(lambda name: name not in properties)
    extras = st.dictionaries(extra_names, extra_values, max_size=2)
    return st.builds(lambda extra, fixed: {**extra, **fixed}, extras, declared)
