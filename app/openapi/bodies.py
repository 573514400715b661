"""JSON Schemas of request bodies, derived from their `ObjectParser` declarations.

One source of truth: a parser's fields, the JSON tokens each accepts, its known converters
(`to_long`, `to_int`, `to_boolean`, `to_date`, `nested`, `nested_list`) and the optional
documentation a `Field` carries (`enum`, `description`, `parser`, `keyed`, `schema`) give the
schema. Every parser becomes one component named as Elasticsearch names it; nested parsers are
referenced, not inlined. Strict parsers forbid other properties, lenient ones ignore them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from app.parsing import Field, NestedConverter, ObjectParser, to_boolean, to_date, to_int, to_long

JsonSchema = dict[str, Any]

JSON_TYPES = {
    "START_OBJECT": "object",
    "START_ARRAY": "array",
    "VALUE_STRING": "string",
    "VALUE_NUMBER": "number",
    "VALUE_BOOLEAN": "boolean",
    "VALUE_NULL": "null",
}
_TYPE_ORDER = ("object", "array", "integer", "number", "boolean", "string", "null")

_LONG: JsonSchema = {"minimum": -(2**63), "maximum": 2**63 - 1, "pattern": r"^-?[0-9]{1,18}$"}
_INT: JsonSchema = {"minimum": -(2**31), "maximum": 2**31 - 1, "pattern": r"^-?[0-9]{1,9}$"}
_DATE_DESCRIPTION = "A date: `strict_date_optional_time` (ISO 8601) or epoch milliseconds."


def reference(parser: ObjectParser) -> JsonSchema:
    return {"$ref": f"#/components/schemas/{parser.name}"}


def body_components(parsers: Iterable[ObjectParser]) -> dict[str, JsonSchema]:
    """The schema of every parser in `parsers` and of every parser nested in them, by name."""
    found = reachable_parsers(parsers)
    return {name: parser_schema(found[name]) for name in sorted(found)}


def reachable_parsers(parsers: Iterable[ObjectParser]) -> dict[str, ObjectParser]:
    """`parsers` and every parser nested in them, by name (which must be unique)."""
    found: dict[str, ObjectParser] = {}
    for parser in _reachable(parsers):
        if found.setdefault(parser.name, parser) is not parser:
            raise ValueError(f"two different parsers are named [{parser.name}]")
    return found


def _reachable(parsers: Iterable[ObjectParser]) -> Iterator[ObjectParser]:
    for parser in parsers:
        yield parser
        yield from _reachable(inner for item in parser.fields if (inner := nested_parser(item)) is not None)


def parser_schema(parser: ObjectParser) -> JsonSchema:
    schema: JsonSchema = {
        "type": "object",
        "title": parser.name,
        "properties": {item.name: field_schema(item) for item in parser.fields},
    }
    required = [item.name for item in parser.fields if item.required]
    if required:
        schema["required"] = required
    if parser.strict:
        schema["additionalProperties"] = False
    return {**schema, **(parser.schema or {})}


def nested_parser(declared: Field) -> ObjectParser | None:
    if declared.parser is not None:
        return declared.parser
    if isinstance(declared.convert, NestedConverter):
        return declared.convert.parser
    return None


def field_schema(declared: Field) -> JsonSchema:
    """The schema of one field's value: the parser's objects by reference, the rest flat."""
    keywords = dict(declared.schema or {})
    kinds = _kinds(declared, keywords.pop("type", None))
    keywords = {**_converter_keywords(declared), **keywords}
    if "null" in kinds and None not in keywords.get("enum", [None]):
        keywords["enum"] = [*keywords["enum"], None]
    parser = nested_parser(declared)
    variants: list[JsonSchema] = []
    if parser is not None:
        if "object" in kinds:
            keyed = {"type": "object", "additionalProperties": reference(parser)}
            variants.append(keyed if declared.keyed else reference(parser))
        if "array" in kinds and not declared.keyed:
            variants.append({"type": "array", "items": reference(parser)})
        kinds = [kind for kind in kinds if kind not in ("object", "array")]
    if kinds:
        variants.append(_flat(kinds, keywords))
    schema = variants[0] if len(variants) == 1 else {"anyOf": variants}
    if declared.description:
        schema = {**schema, "description": declared.description}
    return schema


def _kinds(declared: Field, override: Any) -> list[str]:
    if override is not None:
        kinds = {override} if isinstance(override, str) else set(override)
    else:
        kinds = {JSON_TYPES[token] for token in declared.accepts}
    if declared.convert in (to_long, to_int):
        kinds = {"integer" if kind == "number" else kind for kind in kinds}
    return [kind for kind in _TYPE_ORDER if kind in kinds]


def _converter_keywords(declared: Field) -> JsonSchema:
    """What the converter (or the declared enum) says about the scalar values it takes."""
    convert = declared.convert
    if convert is to_long:
        return dict(_LONG)
    if convert is to_int:
        return dict(_INT)
    if convert is to_boolean:
        return {"enum": [True, False, "true", "false"]}
    if convert is to_date:
        return {"format": "date-time", "description": _DATE_DESCRIPTION}
    if declared.enum is not None:
        return {"enum": [str(value) for value in declared.enum]}
    return {}


def _flat(kinds: list[str], keywords: JsonSchema) -> JsonSchema:
    return {"type": kinds[0] if len(kinds) == 1 else kinds, **keywords}
