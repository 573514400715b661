"""Timestamps as Elasticsearch parses and renders them.

Parsing follows the default date format of date fields, `strict_date_optional_time||epoch_millis`:
`2023-05-25`, `2023-05-25T12:30`, `2023-05-25T12:30:00.123456789+02:00`, or epoch milliseconds.
Rendering follows `strict_date_optional_time_nanos` in UTC: `2023-05-25T12:30:00.000Z`, with at
least three fractional digits and more only when the instant has them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.errors import IllegalArgument

DATE_FORMAT = "strict_date_optional_time||epoch_millis"

_ISO = re.compile(
    r"""
    (?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})
    (?:T(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?
    (?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?
    """,
    re.VERBOSE | re.ASCII,  # `\d` is 0-9 only: Java's date parsers read no other digits
)
_EPOCH_MILLIS = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)
_RENDERED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", re.ASCII)
"""The stored form with milliseconds, which clients mostly send back as they got it."""


@dataclass(frozen=True, slots=True)
class Instant:
    """A UTC instant with nanosecond digits (Python's datetime stops at microseconds)."""

    moment: datetime
    nanos: int

    def render(self) -> str:
        moment = self.moment
        fraction = f"{self.nanos:09d}".rstrip("0").ljust(3, "0")
        return (
            f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{fraction}Z"
        )


def now() -> str:
    """The current instant, rendered (microsecond precision)."""
    moment = datetime.now(UTC)
    return Instant(moment.replace(microsecond=0), moment.microsecond * 1000).render()


def parse_date(text: str) -> Instant:
    """Parse `text` as an Elasticsearch date field would; IllegalArgument if it cannot."""
    match = _ISO.fullmatch(text)
    try:
        if match is not None:
            return _from_iso(match)
        if _EPOCH_MILLIS.fullmatch(text):
            return _from_epoch_millis(text)
    except (ValueError, OverflowError):
        pass
    raise IllegalArgument(f"failed to parse date field [{text}] with format [{DATE_FORMAT}]")


def _from_iso(match: re.Match[str]) -> Instant:
    parts = match.groupdict()
    moment = datetime(
        int(parts["year"]),
        int(parts["month"] or 1),
        int(parts["day"] or 1),
        int(parts["hour"] or 0),
        int(parts["minute"] or 0),
        int(parts["second"] or 0),
        tzinfo=UTC,
    )
    zone = parts["zone"]
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        if offset >= timedelta(hours=18) or int(digits[2:4] or 0) >= 60:
            raise ValueError(zone)
        moment = moment - offset if zone[0] == "+" else moment + offset
    fraction = (parts["fraction"] or "").ljust(9, "0")
    return Instant(moment, int(fraction))


def _from_epoch_millis(text: str) -> Instant:
    whole, _, fraction = text.partition(".")
    millis = int(whole)
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis)
    extra_nanos = int(fraction[:6].ljust(6, "0")) if fraction else 0
    nanos = moment.microsecond * 1000 + (extra_nanos if millis >= 0 else -extra_nanos)
    return Instant(moment.replace(microsecond=0), nanos)


def normalise_date(text: str) -> str:
    """`text` parsed and rendered back in the stored form (UTC, `Z`, at least milliseconds)."""
    if _RENDERED.fullmatch(text) and _is_valid_date_time(text[:19]):
        return text  # already in the stored form: parsing would render it unchanged
    return parse_date(text).render()


def _is_valid_date_time(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
