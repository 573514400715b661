from __future__ import annotations

import pytest

from app.errors import IllegalArgument
from app.parsing import did_you_mean, to_boolean, to_long


@pytest.mark.parametrize(("value", "expected"), [(42, 42), ("42", 42), (" 7 ", 7), (4.9, 4), ("4.9", 4), (-3, -3)])
def test_longs_coerce_like_elasticsearch(value: object, expected: int) -> None:
    assert to_long(value) == expected


@pytest.mark.parametrize("value", ["many", True, 2**63, float("nan"), ""])
def test_non_longs_are_rejected(value: object) -> None:
    with pytest.raises(IllegalArgument):
        to_long(value)


def test_booleans_accept_only_true_and_false_strings() -> None:
    assert (to_boolean(True), to_boolean("false")) == (True, False)
    with pytest.raises(
        IllegalArgument, match=r"Failed to parse value \[yes\] as only \[true\] or \[false\] are allowed."
    ):
        to_boolean("yes")


def test_suggestions_use_levenshtein_similarity_above_0_7() -> None:
    assert did_you_mean("nme", {"name": 1, "index_name": 1}) == " did you mean [name]?"
    assert did_you_mean("nmae", {"name": 1}) == ""
    assert did_you_mean("fulls", {"full": 1, "fulla": 1}) == " did you mean any of [full, fulla]?"
