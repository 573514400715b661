"""Request body of `_configuration`, declared as Elasticsearch declares it (`ConnectorConfiguration`).

The request parser is strict; a configuration entry and its nested objects are lenient. An
entry comes back in the form Elasticsearch stores: `default_value`, `label`, `required`,
`sensitive` and `value` always present (the flags default to false), every other key only
when it was given a non-null value.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from app.errors import IllegalArgument, XContentParseError
from app.jsonpos import Path
from app.parsing import (
    ANY,
    ARRAY,
    BOOLEAN,
    NULL,
    NUMBER,
    OBJECT,
    SCALAR,
    STRING,
    Body,
    Converter,
    Field,
    ObjectParser,
    cannot_get_text,
    to_boolean,
    to_int,
    token_of,
)
from app.schemas.filtering import OBJECTS, TEXTS, documents, pick, text_list


class DisplayType(StrEnum):
    TEXT = "text"
    TEXTBOX = "textbox"
    TEXTAREA = "textarea"
    NUMERIC = "numeric"
    TOGGLE = "toggle"
    DROPDOWN = "dropdown"


class FieldType(StrEnum):
    STRING = "str"
    INTEGER = "int"
    LIST = "list"
    BOOLEAN = "bool"


class ValidationType(StrEnum):
    LESS_THAN = "less_than"
    GREATER_THAN = "greater_than"
    LIST_TYPE = "list_type"
    INCLUDED_IN = "included_in"
    REGEX = "regex"


def _display(value: str | None, body: Body, path: Path) -> str:
    if value is None:
        raise cannot_get_text(body, path, "VALUE_NULL")
    for display in DisplayType:
        if display.value == value.lower():
            return display.value
    raise IllegalArgument(f"Unknown ConfigurationDisplayType [{value}].")


def _field_type(value: str, _body: Body, _path: Path) -> str:
    for field_type in FieldType:
        if field_type.value == value:
            return field_type.value
    raise IllegalArgument(f"Unknown ConfigurationFieldType [{value}].")


def _validation_type(value: str, _body: Body, _path: Path) -> str:
    for validation_type in ValidationType:
        if validation_type.value == value.lower():
            return validation_type.value
    raise IllegalArgument(f"Unknown ConfigurationValidationType [{value}].")


def _only(*kinds: type) -> Converter:
    """A value converter that takes only JSON values of `kinds`, else ES's `Unsupported token`."""

    def convert(value: Any, _body: Body, _path: Path) -> Any:
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise XContentParseError(f"Unsupported token [{token_of(value)}]")
        return value

    return convert


DEPENDENCY = ObjectParser(
    "connector_configuration_dependency",
    [Field("field", STRING, required=True), Field("value", SCALAR | NULL, required=True)],
    strict=False,
)

SELECT_OPTION = ObjectParser(
    "connector_configuration_select_option",
    [
        Field("label", STRING, required=True),
        Field(
            "value",
            SCALAR | NULL,
            _only(str, int, float),
            required=True,
            convert_null=True,
            schema={"type": ["string", "number"]},
        ),
    ],
    strict=False,
)

VALIDATION = ObjectParser(
    "connector_configuration_validation",
    [
        Field(
            "constraint",
            ANY,
            _only(str, int, float, list),
            required=True,
            convert_null=True,
            schema={"type": ["string", "number", "array"]},
        ),
        Field("type", STRING, _validation_type, required=True, enum=tuple(ValidationType)),
    ],
    strict=False,
)

CONFIGURATION_ENTRY = ObjectParser(
    "connector_configuration",
    [
        Field("category", STRING),
        Field("default_value", SCALAR | NULL),
        Field("depends_on", OBJECTS, documents(DEPENDENCY, pick("field", "value")), parser=DEPENDENCY),
        Field(
            "display", STRING | NULL, _display, convert_null=True, enum=tuple(DisplayType), schema={"type": "string"}
        ),
        Field("label", STRING, required=True),
        Field("options", OBJECTS, documents(SELECT_OPTION, pick("label", "value")), parser=SELECT_OPTION),
        Field("order", NUMBER, to_int),
        Field("placeholder", STRING | NULL),
        Field("required", BOOLEAN, to_boolean),
        Field("sensitive", BOOLEAN, to_boolean),
        Field("tooltip", STRING | NULL),
        Field("type", STRING | NULL, _field_type, enum=tuple(FieldType)),
        Field("ui_restrictions", STRING | ARRAY, text_list, schema=TEXTS),
        Field("validations", OBJECTS, documents(VALIDATION, pick("constraint", "type")), parser=VALIDATION),
        Field(
            "value",
            ANY,
            _only(str, int, float, bool, dict),
            schema={"type": ["string", "number", "boolean", "object", "null"]},
        ),
    ],
    strict=False,
)

ALWAYS_WRITTEN = {"default_value": None, "label": None, "required": False, "sensitive": False, "value": None}


def configuration_entry(parsed: dict[str, Any]) -> dict[str, Any]:
    """An entry as stored: declaration order, the always-written keys defaulted, nulls left out."""
    entry: dict[str, Any] = {}
    for declared in CONFIGURATION_ENTRY.fields:
        name = declared.name
        if name in ALWAYS_WRITTEN:
            entry[name] = parsed.get(name, ALWAYS_WRITTEN[name])
        elif parsed.get(name) is not None:
            entry[name] = parsed[name]
    return entry


def _configuration(value: dict[str, Any], body: Body, path: Path) -> dict[str, dict[str, Any]]:
    return {key: configuration_entry(CONFIGURATION_ENTRY.parse(body, path + (key,))) for key in value}


def _values(value: Any, _body: Body, _path: Path) -> dict[str, Any]:
    """Elasticsearch reads `values` with `map()`, which makes an empty map of a scalar or null."""
    return value if isinstance(value, dict) else {}


UPDATE_CONFIGURATION = ObjectParser(
    "connector_update_configuration_request",
    [
        Field("configuration", OBJECT, _configuration, parser=CONFIGURATION_ENTRY, keyed=True),
        Field("values", OBJECT | SCALAR | NULL, _values, convert_null=True),
    ],
    schema={"oneOf": [{"required": ["configuration"]}, {"required": ["values"]}]},
)
