"""Alembic's `upgrade head` gives exactly the schema `storage.sql.tables` declares, once.

Every test gets a fresh database: a throw-away one on the PostgreSQL and MariaDB servers, a new
file for SQLite (named with the direct store's `sqlite:///` form, which shares the schema).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any, TypeVar

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

import migrations
from storage.migrations import (
    SQLITE_SCHEMA,
    alembic_config,
    current_revision,
    is_up_to_date,
    render_sqlite_schema,
    upgrade_to_head,
)
from storage.sql.tables import metadata
from storage.sql.urls import sqlalchemy_url
from tests.databases import throwaway_database

T = TypeVar("T")

FRESH = [
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
    pytest.param("sqlite", marks=[pytest.mark.sqlite, pytest.mark.sqlalchemy_sqlite]),
]
WORKERS = 3
WORKER_TIMEOUT_SECONDS = 60


@pytest.fixture(params=FRESH)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, that no one has migrated."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'not-yet' / 'connector-api.db'}"
        return
    with throwaway_database(request.param) as url:
        yield url


def _inspect(url: str, check: Callable[[Connection], T]) -> T:
    async def run() -> T:
        engine = create_async_engine(sqlalchemy_url(url))
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(check)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _drift(connection: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


def _version_rows(connection: Connection) -> list[str]:
    return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def test_head_constant_names_the_newest_script() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("sqlite:///unused.db"))
    assert scripts.get_current_head() == migrations.HEAD


def test_upgrade_on_empty_database_gives_the_declared_schema(fresh_url: str) -> None:
    assert current_revision(fresh_url) is None
    upgrade_to_head(fresh_url)
    assert current_revision(fresh_url) == migrations.HEAD
    assert _inspect(fresh_url, _drift) == []


def test_upgrade_twice_is_a_no_op(fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    upgrade_to_head(fresh_url)
    monkeypatch.setattr("alembic.command.upgrade", _must_not_run)
    upgrade_to_head(fresh_url)
    assert is_up_to_date(fresh_url)
    assert _inspect(fresh_url, _version_rows) == [migrations.HEAD]


def test_downgrade_to_base_through_alembics_own_engine(fresh_url: str) -> None:
    upgrade_to_head(fresh_url)
    command.downgrade(alembic_config(fresh_url), "base")
    assert _inspect(fresh_url, lambda connection: inspect(connection).get_table_names()) == ["alembic_version"]
    assert current_revision(fresh_url) is None


def _must_not_run(*args: object) -> None:
    raise AssertionError("an up-to-date database was migrated again")


def _text_collations(connection: Connection) -> set[str]:
    schema = "current_schema()" if connection.dialect.name == "postgresql" else "DATABASE()"
    rows = connection.execute(
        text(
            "SELECT collation_name FROM information_schema.columns "
            f"WHERE table_schema = {schema} AND table_name = 'connectors' AND collation_name IS NOT NULL"
        )
    )
    return set(rows.scalars())


@pytest.mark.parametrize(
    ("kind", "collation"),
    [
        pytest.param("postgres", "C", marks=pytest.mark.postgres),
        pytest.param("mariadb", "utf8mb4_bin", marks=pytest.mark.mariadb),
    ],
)
def test_text_columns_compare_by_code_point(kind: str, collation: str) -> None:
    # compare_metadata does not compare collations, so check them here.
    with throwaway_database(kind) as url:
        upgrade_to_head(url)
        assert _inspect(url, _text_collations) == {collation}


def _upgrade_when_all_ready(url: str, barrier: Barrier) -> None:
    barrier.wait(WORKER_TIMEOUT_SECONDS)
    upgrade_to_head(url)


def test_concurrent_upgrades_leave_one_correct_schema(fresh_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(WORKERS)
    workers = [spawn.Process(target=_upgrade_when_all_ready, args=(fresh_url, barrier)) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(WORKER_TIMEOUT_SECONDS)
    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    assert _inspect(fresh_url, _version_rows) == [migrations.HEAD]
    assert _inspect(fresh_url, _drift) == []


def test_memory_storage_has_nothing_to_migrate() -> None:
    upgrade_to_head("memory://")
    assert is_up_to_date("memory://") and current_revision("memory://") is None


@pytest.mark.sqlite
@pytest.mark.sqlalchemy_sqlite
def test_relative_sqlite_path_gets_its_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    upgrade_to_head("sqlite+aiosqlite:///data/nested/connector-api.db")
    assert (tmp_path / "data" / "nested" / "connector-api.db").is_file()
    assert is_up_to_date("sqlite:///data/nested/connector-api.db")


@pytest.mark.sqlite
@pytest.mark.sqlalchemy_sqlite
async def test_upgrade_works_from_inside_an_event_loop(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'connector-api.db'}"
    upgrade_to_head(url)
    assert current_revision(url) == migrations.HEAD


@pytest.mark.sqlite
@pytest.mark.sqlalchemy_sqlite
def test_sqlite_version_check_imports_neither_alembic_nor_sqlalchemy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'connector-api.db'}"
    upgrade_to_head(url)
    script = textwrap.dedent(
        f"""
        import sys
        from storage.migrations import upgrade_to_head, is_up_to_date
        upgrade_to_head({url!r})
        assert is_up_to_date({url!r})
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("alembic", "sqlalchemy"))
        assert not loaded, loaded
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[2], timeout=60)


def _sqlite_schema(path: Path) -> tuple[list[tuple[str, ...]], list[str]]:
    """Every table and index with its SQL (whitespace aside: Alembic indents offline SQL its own way)."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
        versions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    finally:
        connection.close()
    return [(kind, name, table, " ".join((sql or "").split())) for kind, name, table, sql in rows], versions


def test_shipped_sqlite_schema_is_what_alembic_renders_now() -> None:
    assert SQLITE_SCHEMA.read_text(encoding="utf-8") == render_sqlite_schema(), (
        f"{SQLITE_SCHEMA.name} is stale: run `.venv/bin/python -m storage.migrations` to render it again"
    )


@pytest.mark.sqlite
@pytest.mark.sqlalchemy_sqlite
def test_a_fresh_sqlite_database_gets_exactly_the_schema_alembic_gives(tmp_path: Path) -> None:
    shipped, by_alembic = tmp_path / "shipped.db", tmp_path / "alembic.db"
    upgrade_to_head(f"sqlite:///{shipped}")
    command.upgrade(alembic_config(f"sqlite:///{by_alembic}"), "head")
    assert _sqlite_schema(shipped) == _sqlite_schema(by_alembic)
    assert _sqlite_schema(shipped)[1] == [migrations.HEAD]


@pytest.mark.sqlite
@pytest.mark.sqlalchemy_sqlite
def test_a_fresh_sqlite_database_is_created_without_alembic_or_sqlalchemy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'connector-api.db'}"
    script = textwrap.dedent(
        f"""
        import sys
        from storage.migrations import upgrade_to_head, current_revision
        upgrade_to_head({url!r})
        assert current_revision({url!r}) == {migrations.HEAD!r}
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("alembic", "sqlalchemy"))
        assert not loaded, loaded
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).parents[2], timeout=60)
    assert _inspect(url, _drift) == []


@pytest.mark.sqlite
@pytest.mark.sqlalchemy_sqlite
def test_an_older_sqlite_schema_is_upgraded_by_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'connector-api.db'}"
    command.upgrade(alembic_config(url), "0001")
    upgrade_to_head(url)
    assert current_revision(url) == migrations.HEAD
    assert _inspect(url, _drift) == []


@pytest.mark.sqlite
@pytest.mark.sqlalchemy_sqlite
@pytest.mark.parametrize("shipped", ["stale", "missing"])
def test_without_current_rendered_sql_alembic_creates_the_sqlite_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped: str
) -> None:
    replacement = tmp_path / "sqlite.sql"
    if shipped == "stale":
        replacement.write_text(SQLITE_SCHEMA.read_text(encoding="utf-8").replace(migrations.HEAD, "0000", 1))
    monkeypatch.setattr("storage.migrations.SQLITE_SCHEMA", replacement)
    url = f"sqlite:///{tmp_path / 'connector-api.db'}"
    upgrade_to_head(url)
    assert current_revision(url) == migrations.HEAD
    assert _inspect(url, _drift) == []
