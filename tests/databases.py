"""Throw-away databases for the test session, and the rule for servers that are not there.

A server that cannot be reached skips its tests with the reason, except under CI (`CI=true`),
where it fails them: CI has started the servers, so unreachable is a bug.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest

from app.testing.databases import DatabaseKind, DatabaseUnavailable
from app.testing.databases import throwaway_database as _throwaway_database


def unreachable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must provide this server)", pytrace=False)
    pytest.skip(reason)


@contextmanager
def throwaway_database(kind: DatabaseKind) -> Iterator[str]:
    """A fresh database on the `postgres` or `mariadb` server for this session; its URL."""
    with ExitStack() as stack:
        try:
            url = stack.enter_context(_throwaway_database(kind))
        except DatabaseUnavailable as error:
            unreachable(str(error))
            raise AssertionError("unreachable() skips or fails") from None
        yield url
