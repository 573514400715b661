"""Request bodies of `_filtering` and `_filtering/_validation`, declared as Elasticsearch declares them.

The request parsers are strict; the nested filtering objects are lenient (unknown keys are
ignored), as in Elasticsearch. Each nested object comes back as the document Elasticsearch
would store for it: keys in its serialisation order, absent timestamps filled with the
current time (one per object, as each Elasticsearch builder takes its own `Instant.now()`)
and the domain always `DEFAULT`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.dates import now
from app.domain.filtering import (
    FilteringPolicy,
    FilteringRuleCondition,
    FilteringValidationState,
    new_filtering_config,
    parse_policy,
    parse_rule_condition,
    parse_validation_state,
)
from app.errors import IllegalState
from app.jsonpos import Path
from app.parsing import (
    ARRAY,
    NUMBER,
    OBJECT,
    STRING,
    Body,
    Converter,
    Field,
    ObjectParser,
    any_given,
    cannot_get_text,
    nested_list,
    to_date,
    to_int,
)

OBJECTS = OBJECT | ARRAY
"""`declareObjectArray`: an array of objects, or one object standing for an array of one."""
TEXTS = {"items": {"type": ["string", "number", "boolean"]}}
"""Documentation of a `text_list` field's array: its items are read as text."""


def text_list(value: Any, body: Body, path: Path) -> list[str]:
    """`declareStringArray`: one string or an array of values, each read as its text."""
    if not isinstance(value, list):
        return [value]
    return [_text(item, body, path + (position,)) for position, item in enumerate(value)]


def _text(item: Any, body: Body, path: Path) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, str | int | float):
        return str(item)
    if isinstance(item, list):
        raise IllegalState("expected value but got [START_ARRAY]")
    token = "VALUE_NULL" if item is None else "START_OBJECT"
    raise cannot_get_text(body, path, token)


def documents(parser: ObjectParser, build: Callable[[dict[str, Any]], dict[str, Any]]) -> Converter:
    """An object array parsed with `parser`, each element turned into its stored form by `build`."""
    parse_all = nested_list(parser)
    return lambda value, body, path: [build(parsed) for parsed in parse_all(value, body, path)]


def document(parser: ObjectParser, build: Callable[[dict[str, Any]], dict[str, Any]]) -> Converter:
    return lambda _value, body, path: build(parser.parse(body, path))


def pick(*keys: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A builder for objects whose keys are all required: those keys, in this order."""
    return lambda parsed: {key: parsed[key] for key in keys}


_validation = pick("errors", "state")
_rules = pick("advanced_snippet", "rules", "validation")


def _rule(parsed: dict[str, Any]) -> dict[str, Any]:
    timestamp = now()
    return {
        "created_at": parsed.get("created_at", timestamp),
        "field": parsed["field"],
        "id": parsed["id"],
        "order": parsed["order"],
        "policy": parsed["policy"],
        "rule": parsed["rule"],
        "updated_at": parsed.get("updated_at", timestamp),
        "value": parsed["value"],
    }


def _advanced_snippet(parsed: dict[str, Any]) -> dict[str, Any]:
    timestamp = now()
    return {
        "created_at": parsed.get("created_at", timestamp),
        "updated_at": parsed.get("updated_at", timestamp),
        "value": parsed["value"],
    }


def _config(parsed: dict[str, Any]) -> dict[str, Any]:
    return new_filtering_config(parsed["active"], parsed["draft"])


def _checked(parse: Callable[[str], Any]) -> Converter:
    """Check an enum value while parsing, so a bad one fails as `failed to parse field [...]`."""
    return lambda value, _body, _path: parse(value).value


FILTERING_RULE = ObjectParser(
    "connector_filtering_rule",
    [
        Field("created_at", STRING, to_date),
        Field("field", STRING, required=True),
        Field("id", STRING, required=True),
        Field("order", NUMBER, to_int, required=True),
        Field("policy", STRING, _checked(parse_policy), required=True, enum=tuple(FilteringPolicy)),
        Field("rule", STRING, _checked(parse_rule_condition), required=True, enum=tuple(FilteringRuleCondition)),
        Field("updated_at", STRING, to_date),
        Field("value", STRING, required=True),
    ],
    strict=False,
)

ADVANCED_SNIPPET = ObjectParser(
    "connector_filtering_advanced_snippet",
    [
        Field("created_at", STRING, to_date),
        Field("updated_at", STRING, to_date),
        Field("value", OBJECTS, required=True),
    ],
    strict=False,
)

VALIDATION_ERROR = ObjectParser(
    "connector_filtering_validation",
    [Field(name, STRING | ARRAY, text_list, required=True, schema=TEXTS) for name in ("ids", "messages")],
    strict=False,
)

VALIDATION = ObjectParser(
    "filtering_validation_info",
    [
        Field(
            "errors",
            OBJECTS,
            documents(VALIDATION_ERROR, pick("ids", "messages")),
            required=True,
            parser=VALIDATION_ERROR,
        ),
        Field(
            "state",
            STRING,
            _checked(parse_validation_state),
            required=True,
            enum=tuple(FilteringValidationState),
        ),
    ],
    strict=False,
)

FILTERING_RULES = ObjectParser(
    "connector_filtering_rules",
    [
        Field(
            "advanced_snippet",
            OBJECT,
            document(ADVANCED_SNIPPET, _advanced_snippet),
            required=True,
            parser=ADVANCED_SNIPPET,
        ),
        Field("rules", OBJECTS, documents(FILTERING_RULE, _rule), required=True, parser=FILTERING_RULE),
        Field("validation", OBJECT, document(VALIDATION, _validation), required=True, parser=VALIDATION),
    ],
    strict=False,
)

CONNECTOR_FILTERING = ObjectParser(
    "connector_filtering",
    [
        Field("active", OBJECT, document(FILTERING_RULES, _rules), required=True, parser=FILTERING_RULES),
        Field("draft", OBJECT, document(FILTERING_RULES, _rules), required=True, parser=FILTERING_RULES),
    ],
    strict=False,
)

UPDATE_FILTERING = ObjectParser(
    "connector_update_filtering_request",
    [
        Field("filtering", OBJECTS, documents(CONNECTOR_FILTERING, _config), parser=CONNECTOR_FILTERING),
        Field("advanced_snippet", OBJECT, document(ADVANCED_SNIPPET, _advanced_snippet), parser=ADVANCED_SNIPPET),
        Field("rules", OBJECTS, documents(FILTERING_RULE, _rule), parser=FILTERING_RULE),
    ],
    schema={"oneOf": [any_given("filtering"), any_given("advanced_snippet", "rules")]},
)

UPDATE_FILTERING_VALIDATION = ObjectParser(
    "connector_update_filtering_validation",
    [Field("validation", OBJECT, document(VALIDATION, _validation), required=True, parser=VALIDATION)],
)
