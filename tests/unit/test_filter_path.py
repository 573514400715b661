from __future__ import annotations

from typing import Any

import pytest

from app.filter_path import filter_response

BODY: dict[str, Any] = {
    "count": 2,
    "results": [
        {"id": "a", "scheduling": {"full": {"enabled": True, "interval": "x"}}},
        {"id": "b", "scheduling": {"full": {"enabled": False, "interval": "y"}}},
    ],
}


@pytest.mark.parametrize(
    ("filter_path", "expected"),
    [
        ("count", {"count": 2}),
        ("results.id", {"results": [{"id": "a"}, {"id": "b"}]}),
        (
            "results.*.full.enabled",
            {"results": [{"scheduling": {"full": {"enabled": True}}}, {"scheduling": {"full": {"enabled": False}}}]},
        ),
        (
            "**.interval",
            {"results": [{"scheduling": {"full": {"interval": "x"}}}, {"scheduling": {"full": {"interval": "y"}}}]},
        ),
        ("nothing", {}),
        ("-results", {"count": 2}),
        ("results,-results.scheduling", {"results": [{"id": "a"}, {"id": "b"}]}),
        ("c*", {"count": 2}),
    ],
)
def test_filter_path_follows_elasticsearch_rules(filter_path: str, expected: dict[str, Any]) -> None:
    assert filter_response(BODY, filter_path) == expected
