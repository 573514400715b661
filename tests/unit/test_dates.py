from __future__ import annotations

import re

import pytest

from app.dates import normalise_date, now, parse_date
from app.errors import IllegalArgument


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("2023-11-09T15:13:08.231Z", "2023-11-09T15:13:08.231Z"),
        ("2023-05-25T12:30:00Z", "2023-05-25T12:30:00.000Z"),
        ("2023-05-25T12:30:00-0130", "2023-05-25T14:00:00.000Z"),
        ("2023-05-25T12:30", "2023-05-25T12:30:00.000Z"),
        ("2023-05", "2023-05-01T00:00:00.000Z"),
        ("2024-01-01T00:00:00.123456789Z", "2024-01-01T00:00:00.123456789Z"),
        ("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.500Z"),
        ("0", "1970-01-01T00:00:00.000Z"),
        ("0999-01-02T03:04:05Z", "0999-01-02T03:04:05.000Z"),
        ("0999-01-02T03:04:05.006Z", "0999-01-02T03:04:05.006Z"),
        ("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"),
    ],
)
def test_dates_parse_and_render_like_elasticsearch(text: str, rendered: str) -> None:
    assert normalise_date(text) == rendered


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2023-13-01",
        "2023-02-30T00:00:00Z",
        "2023-05-25T25:00:00Z",
        "2023-05-25 12:30:00",
        "2023-05-25T12:30:00+25:00",
        "2023-02-29T00:00:00.000Z",
        "2023-05-25T24:00:00.000Z",
        "2023-05-25T12:60:00.000Z",
        "2023-05-25T12:30:60.000Z",
        "0000-01-01T00:00:00.000Z",
        "２０２３-05-25T12:30:00.000Z",
        "１６９９５４２７８８２３１",
    ],
)
def test_invalid_dates_are_rejected_with_the_format(text: str) -> None:
    with pytest.raises(IllegalArgument, match=re.escape(f"failed to parse date field [{text}]")):
        parse_date(text)


def test_now_is_utc_with_at_least_millisecond_digits() -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,6}Z", now())


@pytest.mark.parametrize("millis", [0, 1, 999, 1_699_542_788_231, -1, -62_000_000_000_000, 253_402_300_799_999])
def test_a_date_already_in_the_stored_form_is_kept_as_parsing_would_render_it(millis: int) -> None:
    rendered = parse_date(str(millis)).render()
    assert normalise_date(rendered) == rendered == parse_date(rendered).render()
