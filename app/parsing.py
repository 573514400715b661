"""Request bodies parsed the way Elasticsearch's `ObjectParser` parses them.

The rules, and therefore the error bodies, are Elasticsearch's:
- fields are read in document order and the first problem wins;
- a value whose JSON token the field does not accept fails with
  `[l:c] [parser] <field> doesn't support values of type: VALUE_NUMBER`;
- a value that fails to convert fails with `[l:c] [parser] failed to parse field [<field>]`,
  caused by the conversion's own error; errors in nested objects wrap the same way;
- an unknown field fails strict parsers with `[l:c] [parser] unknown field [<f>]` (with ES's
  "did you mean" suggestion) and is skipped by lenient ones;
- required fields still missing at the end fail with `Required [<f1>, <f2>]`.

pydantic was considered: reproducing those messages, their order and their positions would
need a layer as large as this module on top of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.dates import normalise_date
from app.errors import ElasticsearchError, IllegalArgument, IllegalState, XContentParseError
from app.jsonpos import Path, locate

STRING = frozenset({"VALUE_STRING"})
NUMBER = frozenset({"VALUE_NUMBER", "VALUE_STRING"})
BOOLEAN = frozenset({"VALUE_BOOLEAN", "VALUE_STRING"})
OBJECT = frozenset({"START_OBJECT"})
ARRAY = frozenset({"START_ARRAY"})
SCALAR = frozenset({"VALUE_STRING", "VALUE_NUMBER", "VALUE_BOOLEAN"})
ANY = frozenset({"VALUE_STRING", "VALUE_NUMBER", "VALUE_BOOLEAN", "START_OBJECT", "START_ARRAY", "VALUE_NULL"})
NULL = frozenset({"VALUE_NULL"})

Converter = Callable[[Any, "Body", Path], Any]


def token_of(value: Any) -> str:
    if value is None:
        return "VALUE_NULL"
    if isinstance(value, bool):
        return "VALUE_BOOLEAN"
    if isinstance(value, str):
        return "VALUE_STRING"
    if isinstance(value, int | float):
        return "VALUE_NUMBER"
    if isinstance(value, dict):
        return "START_OBJECT"
    return "START_ARRAY"


@dataclass(slots=True)
class Body:
    """A decoded request body and the text it came from (read only to name positions)."""

    value: Any
    raw: bytes

    def location(self, path: Path, *, key: bool = False, end: bool = False) -> Location:
        return locate(self.raw.decode("utf-8", errors="replace"), path, key=key, end=end)

    def position(self, path: Path, *, key: bool = False) -> str:
        line, column = self.location(path, key=key)
        return f"[{line}:{column}]"


Location = tuple[int, int]


def parse_error(location: Location, message: str, *, caused_by: ElasticsearchError | None = None) -> XContentParseError:
    """An `x_content_parse_exception` at `location`, which errors wrapping it report too.

    Elasticsearch names, at every level of a nested failure, the token the parser stood on
    when the innermost failure happened: `failed to parse field` never moves the position.
    """
    error = XContentParseError(f"[{location[0]}:{location[1]}] {message}", caused_by=caused_by)
    error.location = location
    return error


def cannot_get_text(body: Body, path: Path, token: str) -> IllegalState:
    """Jackson's `IllegalStateException` for a text read on a non-text token, at that token."""
    location = body.location(path)
    error = IllegalState(f"Can't get text on a {token} at {location[0]}:{location[1]}")
    error.location = location
    return error


def location_of(error: BaseException) -> Location | None:
    location: Location | None = getattr(error, "location", None)
    return location


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    accepts: frozenset[str]
    convert: Converter | None = None
    required: bool = False
    convert_null: bool = False
    """Call `convert` for a JSON null too, as ES does for parsers declared with a custom function."""
    # Documentation only (the OpenAPI document, `app.openapi`): parsing never reads these.
    enum: tuple[str, ...] | None = None
    """The values `convert` accepts (it may ignore their case)."""
    description: str | None = None
    parser: ObjectParser | None = None
    """The parser `convert` reads the object (or each object of an array) with, where it hides it."""
    keyed: bool = False
    """With `parser`: the value is an object whose every member is such an object."""
    schema: Mapping[str, Any] | None = None
    """JSON Schema keywords for what `convert` narrows the tokens to (`type` replaces theirs)."""


@dataclass(frozen=True)
class ObjectParser:
    name: str
    fields: Sequence[Field]
    strict: bool = True
    schema: Mapping[str, Any] | None = None
    """Documentation only: JSON Schema keywords for the rules the request checks across fields."""
    _by_name: Mapping[str, Field] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {item.name: item for item in self.fields})

    def parse(self, body: Body, path: Path = ()) -> dict[str, Any]:
        """The fields present in the object at `path` of `body`, converted; nulls kept as None."""
        value = _at(body.value, path)
        if not isinstance(value, dict):
            raise parse_error(body.location(path), f"[{self.name}] Expected START_OBJECT but was: {token_of(value)}")
        parsed: dict[str, Any] = {}
        for key, item in value.items():
            declared = self._by_name.get(key)
            if declared is None:
                if self.strict:
                    raise parse_error(
                        body.location(path + (key,), key=True),
                        f"[{self.name}] unknown field [{key}]" + did_you_mean(key, self._by_name),
                    )
                continue
            parsed[key] = self._parse_field(declared, item, body, path + (key,))
        missing = [item.name for item in self.fields if item.required and item.name not in parsed]
        if missing:
            required = IllegalArgument(f"Required [{', '.join(missing)}]")
            required.location = body.location(path, end=True)  # the object's `}`, where ES builds it
            raise required
        return parsed

    def _parse_field(self, declared: Field, item: Any, body: Body, path: Path) -> Any:
        token = token_of(item)
        if token not in declared.accepts:
            raise parse_error(
                body.location(path), f"[{self.name}] {declared.name} doesn't support values of type: {token}"
            )
        if declared.convert is None or (item is None and not declared.convert_null):
            return item
        try:
            return declared.convert(item, body, path)
        except (ElasticsearchError, ValueError) as error:
            cause = error if isinstance(error, ElasticsearchError) else IllegalArgument(str(error))
            location = location_of(error) or body.location(path)
            raise parse_error(
                location, f"[{self.name}] failed to parse field [{declared.name}]", caused_by=cause
            ) from error


def _at(value: Any, path: Path) -> Any:
    for part in path:
        value = value[part]
    return value


@dataclass(frozen=True, slots=True)
class NestedConverter:
    """A converter that reads an object with `parser` (each object of an array, with `many`).

    A class rather than a closure so that the OpenAPI generator can see `parser`.
    """

    parser: ObjectParser
    many: bool = False

    def __call__(self, value: Any, body: Body, path: Path) -> Any:
        if not self.many:
            return self.parser.parse(body, path)
        if isinstance(value, dict):
            return [self.parser.parse(body, path)]
        return [self.parser.parse(body, path + (position,)) for position in range(len(value))]


def any_given(*names: str) -> dict[str, Any]:
    """Documentation (for `ObjectParser.schema`): at least one of `names` is present and not null."""
    return {"anyOf": [{"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in names]}


def nested(parser: ObjectParser) -> Converter:
    return NestedConverter(parser)


def nested_list(parser: ObjectParser) -> Converter:
    """An array of objects (a single object counts as an array of one, as in Elasticsearch)."""
    return NestedConverter(parser, many=True)


def to_long(value: Any, _body: Body | None = None, _path: Path = ()) -> int:
    """A JSON number or numeric string as a long; fractions truncate, as ES's coercing parser does."""
    if isinstance(value, bool):
        raise IllegalArgument(f"Current token ({value}) not numeric, can not use numeric value accessors")
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                raise IllegalArgument(f'For input string: "{value}"') from None
            value = number
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise IllegalArgument(f"Value [{value}] is out of range for a long")
        value = int(value)
    if not -(2**63) <= value < 2**63:
        raise IllegalArgument(f"Value [{value}] is out of range for a long")
    return int(value)


def to_int(value: Any, body: Body | None = None, path: Path = ()) -> int:
    """A JSON number or numeric string as a Java int (`declareInt`); fractions truncate."""
    number = to_long(value, body, path)
    if not -(2**31) <= number < 2**31:
        raise IllegalArgument(f"Numeric value ({value}) out of range of int (-2147483648 - 2147483647)")
    return number


def to_date(value: str, _body: Body | None = None, _path: Path = ()) -> str:
    """A date field's text in its stored form (UTC, `Z`, at least milliseconds): `app.dates`."""
    return normalise_date(value)


def to_boolean(value: Any, _body: Body | None = None, _path: Path = ()) -> bool:
    if isinstance(value, bool):
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    raise IllegalArgument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")


def did_you_mean(unknown: str, candidates: Mapping[str, Any]) -> str:
    """Elasticsearch's suggestion: candidates at least 0.7 similar by Levenshtein distance."""
    scored = sorted((score, candidate) for candidate in candidates if (score := _similarity(unknown, candidate)) > 0.7)
    names = [candidate for _, candidate in sorted(scored, key=lambda pair: (-pair[0], pair[1]))]
    if not names:
        return ""
    if len(names) == 1:
        return f" did you mean [{names[0]}]?"
    return f" did you mean any of {names}?".replace("'", "")


def _similarity(left: str, right: str) -> float:
    longest = max(len(left), len(right))
    if longest == 0:
        return 1.0
    previous = list(range(len(right) + 1))
    for row, left_char in enumerate(left, start=1):
        current = [row]
        for column, right_char in enumerate(right, start=1):
            cost = 0 if left_char == right_char else 1
            current.append(min(current[-1] + 1, previous[column] + 1, previous[column - 1] + cost))
        previous = current
    return 1.0 - previous[-1] / longest
