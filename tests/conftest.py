"""Fixtures shared by the whole suite: storage URLs per backend and a `storage` per test."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from storage import Storage, open_storage
from tests.databases import throwaway_database

BACKENDS = [
    pytest.param("memory", marks=pytest.mark.memory),
    pytest.param("sqlite", marks=pytest.mark.sqlite),
    pytest.param("sqlalchemy_sqlite", marks=pytest.mark.sqlalchemy_sqlite),
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


def _migrated(url: str) -> str:
    from storage.migrations import upgrade_to_head

    upgrade_to_head(url)
    return url


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    """Logging set-up is process-wide: undo whatever a test's `configure_logging` did to the root."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.setLevel(level)
    for handler in [handler for handler in root.handlers if handler not in handlers]:
        root.removeHandler(handler)


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sqlite") / "connector-api.db"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with throwaway_database("postgres") as url:
        yield _migrated(url)


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    with throwaway_database("mariadb") as url:
        yield _migrated(url)


@pytest.fixture(scope="session")
def sqlite_url(sqlite_path: Path) -> str:
    return _migrated(f"sqlite:///{sqlite_path}")


@pytest.fixture(scope="session")
def sqlalchemy_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("sqlalchemy-sqlite") / "connector-api.db"
    return _migrated(f"sqlite+aiosqlite:///{path}")


@pytest.fixture(params=BACKENDS)
def storage_url(request: pytest.FixtureRequest) -> str:
    """The URL of one backend's session database (memory:// for the in-memory store)."""
    if request.param == "memory":
        return "memory://"
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
async def storage(storage_url: str) -> AsyncIterator[Storage]:
    """An open, empty storage of each backend in turn."""
    store = open_storage(storage_url)
    await store.open()
    await store.clear()
    try:
        yield store
    finally:
        await store.close()
