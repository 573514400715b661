from __future__ import annotations

import pytest

from app.jsonpos import locate


@pytest.mark.parametrize(
    ("text", "path", "key", "expected"),
    [
        ('{"a": 1}', (), False, (1, 1)),
        ('{"a": 1}', ("a",), True, (1, 2)),
        ('{"a": 1}', ("a",), False, (1, 7)),
        ('{"a": {"b": [10, {"c": "x"}]}}', ("a", "b", 1, "c"), False, (1, 24)),
        ('{\n  "a": 1,\n  "b": "two"\n}', ("b",), False, (3, 8)),
        ('{"esc\\"aped": true, "n": null}', ("n",), True, (1, 21)),
        ('{"a": "é", "b": 2}', ("b",), False, (1, 17)),
        ("  [1, 2]", (), False, (1, 3)),
    ],
)
def test_locate_names_line_and_column_of_the_token(
    text: str, path: tuple[str | int, ...], key: bool, expected: tuple[int, int]
) -> None:
    assert locate(text, path, key=key) == expected


def test_locate_of_an_absent_path_points_at_the_end() -> None:
    assert locate('{"a": 1}', ("zzz",)) == (1, 9)
