"""Quartz-style cron validation matching Elasticsearch's ``org.elasticsearch.xpack.core.scheduler.Cron``.

Source (elastic/elasticsearch, ``x-pack/plugin/core/src/main/java/org/elasticsearch/xpack/core/scheduler/Cron.java``,
commits 08b9142151263fdfc1b24c52746dd7d9165261b5 and 9b7b01025c1e6ace3a7a021ce54b06e017d0abf2, same parser).
Fields: sec min hour day-of-month month day-of-week [year]; the text is upper-cased, split on spaces/tabs
and each field trimmed like Java's ``String.trim()`` (so a trailing line break is fine).
Exactly one of day-of-month / day-of-week must be ``?``. ES checks no range on the year (only
``start <= end``), so no year range is enforced here.

``new Cron(expr)`` throws ``IllegalArgumentException("invalid cron expression [<expr as sent>]")`` whose
cause is ``IllegalArgumentException("illegal cron expression format [java.lang.IllegalArgumentException:
<detail>]")`` (``InvalidCronExpression.reason`` / ``.cause_reason``). ``PUT _connector/x/_scheduling``
with a bad interval answers 400 (ConnectorScheduling.java, UpdateConnectorSchedulingAction.java,
ConstructingObjectParser.buildTarget, ObjectParser.parseValue, ElasticsearchException.guessRootCauses):
``{"error": {"root_cause": [{"type": "x_content_parse_exception", "reason": "Failed to build
[schedule_config] after last required field arrived"}], "type": "x_content_parse_exception",
"reason": "[l:c] [connector_update_scheduling_request] failed to parse field [scheduling]",
"caused_by": {<x_content_parse_exception> "[l:c] [connector_scheduling] failed to parse field [full]" ->
"[l:c] [schedule_config] failed to parse field [interval]" -> "Failed to build [schedule_config] after
last required field arrived" -> ``to_es_error()``}}, "status": 400}`` (the field is whichever of
enabled/interval arrived last).

Where ES rejects for a stated rule the detail text is ES's own. We also reject input that ES's
hand-written parser silently skips: text after a valid item (``5X``, ``JANUARY``, ``MON-FRI/2``, ``?x``),
fields beyond the 7th, empty fields or list items, ``L`` outside day fields, ``?`` inside a list, and out-of-range
values in spots ES forgets to check (``0W``, ``8#3``, a range end of 0).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

__all__ = ["InvalidCronExpression", "validate_cron"]

_IAE = "java.lang.IllegalArgumentException"
SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR = range(7)
_DAY_FIELDS = (DAY_OF_MONTH, DAY_OF_WEEK)
_FIELD_NAMES = ("second", "minute", "hour", "day-of-month", "month", "day-of-week", "year")
# Per field: (low, high, ES's message for a value out of range, the limit ES prints for a too large "*/" step).
_BOUNDS = (
    (0, 59, "Minute and Second values must be between 0 and 59", "60"),
    (0, 59, "Minute and Second values must be between 0 and 59", "60"),
    (0, 23, "Hour values must be between 0 and 23", "24"),
    (1, 31, "Day of month values must be between 1 and 31", "31"),
    (1, 12, "Month values must be between 1 and 12", "12"),
    (1, 7, "Day-of-Week values must be between 1 and 7", "7"),
)
_NAMES = {
    MONTH: ("Month", frozenset("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())),
    DAY_OF_WEEK: ("Day-of-Week", frozenset("SUN MON TUE WED THU FRI SAT".split())),
}
_L_IN_LIST = {
    DAY_OF_MONTH: "support for specifying 'L' and 'LW' with other days of the month is not implemented",
    DAY_OF_WEEK: "support for specifying 'L' with other days of the week is not implemented",
}
_BARE_SLASH = {"/": "'/' must be followed by an integer. at pos [0]", "*/": "Unexpected end of string. at pos [2]"}
_W_OVER_31 = "the 'W' option does not make sense with values larger than 31 (max number of days in a month) at pos [{}]"
_JAVA_TRIM = "".join(map(chr, range(33)))  # String.trim() drops every char <= U+0020 from both ends
_SEPARATORS = re.compile(r"[ \t]+")
_WILDCARD = re.compile(r"\*|\*?/(?P<step>[0-9]+)")
_NUMERIC = re.compile(r"(?P<start>[0-9]+)(?:-(?P<end>[0-9]+))?(?:/(?P<step>[0-9]+))?")
_SUFFIXED = re.compile(r"(?P<value>[0-9]+)(?P<suffix>[LW]|#.*)")
_NAMED = re.compile(r"(?P<start>[A-Z]{3})(?:-(?P<end>[A-Z]{3})|(?P<suffix>L|#.*))?")
_ES_LAST = re.compile(r"L(?:W|-[0-9]*W?)?")  # the items ES hands to its 'L' branch
_NO_SPEC_FIRST = re.compile(r"\?.?(?:,|$)")  # a first item ES takes as "?" (it ignores one trailing character)
_LAST_DAY = re.compile(r"L(?:-(?P<offset>[0-9]+))?W?")


class InvalidCronExpression(ValueError):
    """The expression is not one Elasticsearch's ``Cron`` accepts."""

    def __init__(self, expression: str, detail: str, java_class: str = _IAE) -> None:
        super().__init__(f"invalid cron expression [{expression}]: {detail}")
        self.expression = expression
        self.detail = detail
        self.java_class = java_class

    @property
    def reason(self) -> str:
        """Message of the ``IllegalArgumentException`` thrown by ES's ``new Cron(expression)``."""
        return f"invalid cron expression [{self.expression}]"

    @property
    def cause_reason(self) -> str:
        """Message of the exception ES chains under :attr:`reason`."""
        return f"illegal cron expression format [{self.java_class}: {self.detail}]"

    def to_es_error(self) -> dict[str, Any]:
        """The innermost two ``caused_by`` levels of ES's error body for this expression."""
        cause = {"type": "illegal_argument_exception", "reason": self.cause_reason}
        return {"type": "illegal_argument_exception", "reason": self.reason, "caused_by": cause}


class _Invalid(Exception):
    def __init__(self, detail: str, java_class: str = _IAE) -> None:
        super().__init__(detail)
        self.java_class = java_class


def validate_cron(expression: str) -> None:
    """Raise :class:`InvalidCronExpression` unless Elasticsearch would accept ``expression``."""
    try:
        _check_expression(expression.upper())
    except _Invalid as exc:
        raise InvalidCronExpression(expression, str(exc), exc.java_class) from None


def _check_expression(expression: str) -> None:
    stripped = expression.strip(" \t")
    fields = _SEPARATORS.split(stripped) if stripped else []
    fields = [field.strip(_JAVA_TRIM) for field in fields]  # ES trims each field with Java's String.trim()
    for kind, field in enumerate(fields[:7]):
        if kind == DAY_OF_WEEK and _NO_SPEC_FIRST.match(field) and fields[DAY_OF_MONTH] == "?":
            raise _Invalid("'?' can only be specified for Day-of-Month -OR- Day-of-Week. at pos [1]")
        _check_field(kind, field)
    if len(fields) < 6:
        raise _Invalid(f"unexpected end of expression at pos [{len(expression)}].")
    if len(fields) > 7:
        raise _Invalid(f"expected 6 or 7 fields but found {len(fields)}")
    if (fields[DAY_OF_MONTH] == "?") == (fields[DAY_OF_WEEK] == "?"):
        raise _Invalid("support for specifying both a day-of-week AND a day-of-month parameter is not implemented.")


def _check_field(kind: int, field: str) -> None:
    if kind in _L_IN_LIST and "L" in field and "," in field:
        raise _Invalid(_L_IN_LIST[kind])
    if kind == DAY_OF_WEEK and field.count("#") > 1:
        raise _Invalid('support for specifying multiple "nth" days is not implemented.')
    items = field.split(",")
    for item in items:
        _check_item(kind, item)
    if "?" in items and len(items) > 1:
        raise _Invalid("'?' must be the whole field, not part of a list")


def _check_item(kind: int, item: str) -> None:
    if item.startswith("?"):
        _check_no_spec(kind, item)
    elif match := _WILDCARD.fullmatch(item):
        _check_wildcard_step(kind, item, match["step"])
    elif match := _NUMERIC.fullmatch(item):
        _check_numeric(kind, match)
    elif match := _SUFFIXED.fullmatch(item):
        _check_suffixed(kind, match["value"], match["suffix"])
    elif _ES_LAST.fullmatch(item):
        _check_last(kind, item)
    elif kind in _NAMES and re.match("[A-Z]{3}", item):
        _check_named(kind, item)
    else:
        raise _unexpected(kind, item)


def _check_no_spec(kind: int, item: str) -> None:
    if len(item) > 2:
        raise _Invalid(f"illegal character [{item[1]}] after '?' at pos [1]")
    if kind not in _DAY_FIELDS:
        raise _Invalid("'?' can only be specified for Day-of-Month or Day-of-Week. at pos [1]")
    if item != "?":
        raise _unexpected(kind, item)


def _check_wildcard_step(kind: int, item: str, step_text: str | None) -> None:
    step = None if step_text is None else _to_int(step_text)
    if step is None or kind == YEAR or step <= _BOUNDS[kind][1]:
        return
    pos = item.index("/") + 2 + int(step > 10)  # ES points just past a one- or two-digit step
    tail = " " if kind in _DAY_FIELDS else ""  # sic
    raise _Invalid(f"increment [{step}] > {_BOUNDS[kind][3]} at pos [{pos}]{tail}")


def _check_numeric(kind: int, match: re.Match[str]) -> None:
    start = _to_int(match["start"])
    end = None if match["end"] is None else _to_int(match["end"])
    step = None if match["step"] is None else _to_int(match["step"])
    if kind != YEAR:
        _check_bounds(kind, start, end)
    # ES fills "start/step" years up to its Cron.MAX_YEAR (this year + 100) and fails on a start beyond it.
    elif (end is not None and end < start) or (end is None and step and start > datetime.now(UTC).year + 100):
        raise _Invalid("Start year must be less than stop year")


def _check_suffixed(kind: int, value_text: str, suffix: str) -> None:
    pos, value, option = len(value_text), _to_int(value_text), suffix[0]
    if kind != (DAY_OF_MONTH if option == "W" else DAY_OF_WEEK):
        raise _Invalid(f"'{option}' option is not valid here. at pos [{pos}]")
    if option == "W" and value > 31:
        raise _Invalid(_W_OVER_31.format(pos))
    if option == "#":
        _check_nth(suffix[1:], pos + 1)
    _check_bounds(kind, value)


def _check_last(kind: int, item: str) -> None:
    if kind not in _DAY_FIELDS:
        raise _Invalid("'L' option is not valid here. at pos [0]")
    match = _LAST_DAY.fullmatch(item)
    if item != "L" and (kind == DAY_OF_WEEK or match is None):
        raise _unexpected(kind, item)
    if match and match["offset"] is not None and _to_int(match["offset"]) > 30:
        raise _Invalid("offset from last day must be <= 30 at pos [2]")


def _check_named(kind: int, item: str) -> None:
    label, names = _NAMES[kind]
    match = _NAMED.fullmatch(item)
    for text, pos in ((item[:3], 0), (match and match["end"], 4)):
        if text and text not in names:
            raise _Invalid(f"invalid {label} value [{text}] at pos [{pos}]")
    if match is None or (match["suffix"] and kind != DAY_OF_WEEK):
        raise _unexpected(kind, item)
    if match["suffix"] and match["suffix"].startswith("#"):
        _check_nth(match["suffix"][1:], 4)


def _check_nth(text: str, pos: int) -> None:
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 5):
        raise _Invalid(f"a numeric value between 1 and 5 must follow the '#' option at pos [{pos}]")


def _check_bounds(kind: int, *values: int | None) -> None:
    low, high, message, _ = _BOUNDS[kind]
    if any(value is not None and not low <= value <= high for value in values):
        raise _Invalid(message)


def _to_int(text: str) -> int:
    if int(text) > 2**31 - 1:  # beyond Java's Integer.parseInt
        raise _Invalid(f'For input string: "{text}"', "java.lang.NumberFormatException")
    return int(text)


def _unexpected(kind: int, item: str) -> _Invalid:
    first = item[:1]
    if item in _BARE_SLASH:
        return _Invalid(_BARE_SLASH[item])
    if first and not (first.isascii() and (first.isalnum() or first in "*/?")):
        return _Invalid(f"Unexpected character [{first}] at pos [0] ")
    if re.match("[A-Z]", item) and kind not in _NAMES and len(item) >= 3 and not _ES_LAST.fullmatch(item):
        return _Invalid(f"illegal characters [{item[:3]}] at pos [0] '")
    return _Invalid(f"invalid {_FIELD_NAMES[kind]} value [{item}]")
