"""Elasticsearch's `filter_path` response filtering.

A comma-separated list of dotted paths; `*` matches within one field name, `**` any number
of levels; arrays are transparent; a leading `-` excludes instead of includes.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

Pattern = tuple[str, ...]
_DROP = object()


def filter_response(body: Any, filter_path: str) -> Any:
    filters = [part.strip() for part in filter_path.split(",") if part.strip()]
    includes = [tuple(item.split(".")) for item in filters if not item.startswith("-")]
    excludes = [tuple(item[1:].split(".")) for item in filters if item.startswith("-")]
    if includes:
        kept = _include(body, includes)
        body = {} if kept is _DROP else kept
    if excludes:
        kept = _exclude(body, excludes)
        body = {} if kept is _DROP else kept
    return body


def _advance(patterns: list[Pattern], key: str) -> tuple[bool, list[Pattern]]:
    """Whether `key` completes a pattern, and the patterns that continue below it."""
    complete = False
    remaining: list[Pattern] = []
    for pattern in patterns:
        if pattern[0] == "**":
            remaining.append(pattern)
            pattern = pattern[1:]
            if not pattern:
                complete = True
                continue
        if fnmatchcase(key, pattern[0]):
            if len(pattern) == 1:
                complete = True
            else:
                remaining.append(pattern[1:])
    return complete, remaining


def _include(value: Any, patterns: list[Pattern]) -> Any:
    if isinstance(value, list):
        items = [_include(item, patterns) for item in value]
        kept = [item for item in items if item is not _DROP]
        return kept if kept else _DROP
    if not isinstance(value, dict):
        return _DROP
    result: dict[str, Any] = {}
    for key, item in value.items():
        complete, remaining = _advance(patterns, key)
        if complete:
            result[key] = item
        elif remaining:
            kept = _include(item, remaining)
            if kept is not _DROP:
                result[key] = kept
    return result if result else _DROP


def _exclude(value: Any, patterns: list[Pattern]) -> Any:
    if isinstance(value, list):
        return [_exclude(item, patterns) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        complete, remaining = _advance(patterns, key)
        if complete:
            continue
        result[key] = _exclude(item, remaining) if remaining else item
    return result
