"""Bring a storage's database to the newest schema, safely from several processes at once.

`upgrade_to_head(url)` first compares the database's `alembic_version` with `migrations.HEAD`,
the cheap check every start-up pays: for SQLite through the stdlib `sqlite3` driver, without
importing SQLAlchemy or Alembic. An empty SQLite database (the first start of `serve`) gets the
schema from `migrations/sqlite.sql`, the migrations as Alembic renders them for SQLite
(offline mode, `alembic upgrade head --sql`), run by `sqlite3` inside `BEGIN IMMEDIATE`; a test
keeps that file equal to what Alembic renders (`python -m storage.migrations` rewrites it).
Otherwise, when something is missing, it imports Alembic, takes a database-wide lock, reads the
version again (another worker may have migrated meanwhile) and runs `alembic upgrade head` on
the locked connection:

- PostgreSQL: `pg_advisory_lock`, MariaDB/MySQL: `GET_LOCK` (both held by the session, and
  released with it if the process dies), then the migration in its own transaction;
- SQLite: the migration runs inside `BEGIN IMMEDIATE`, which admits one writer at a time.

The functions are synchronous, for the CLI and for test fixtures; called from a running event
loop they do their work on a helper thread.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import migrations
from storage.sql.urls import is_sqlite, split_scheme, sqlalchemy_url, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")

VERSION_TABLE = "alembic_version"
LOCK_NAME = "connector_api_migrations"
PG_LOCK_KEY = 0x636F6E6E6563746F
LOCK_TIMEOUT_SECONDS = 120
SQLITE_SCHEMA = Path(migrations.__file__).parent / "sqlite.sql"
_SQLITE_SCHEMA_HEADER = "-- The migrations up to revision {}, rendered for SQLite by `python -m storage.migrations`"


def upgrade_to_head(url: str) -> None:
    """Apply every migration the database at `url` lacks; a no-op for `memory://`."""
    if is_up_to_date(url):
        return
    if is_sqlite(url):
        path = sqlite_path(url)
        _create_parent_directory(path)
        if path != ":memory:" and _create_sqlite_schema(path):
            return
    _run(_upgrade(url))


def is_up_to_date(url: str) -> bool:
    """Whether the database has the newest schema (always, for `memory://`)."""
    return _is_memory(url) or current_revision(url) == migrations.HEAD


def current_revision(url: str) -> str | None:
    """The database's Alembic revision; None for an empty database or `memory://`."""
    if _is_memory(url):
        return None
    if is_sqlite(url):
        return _sqlite_revision(sqlite_path(url))
    return _run(_server_revision(url))


def alembic_config(url: str) -> Config:
    """Alembic's configuration for `url`, with the scripts of the installed `migrations` package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    # The value goes through configparser, which reads `%` as interpolation.
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return config


def _is_memory(url: str) -> bool:
    return split_scheme(url)[0] == "memory"


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


def _create_parent_directory(path: str) -> None:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_revision(path: str) -> str | None:
    if path == ":memory:" or not Path(path).exists():
        return None
    connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=LOCK_TIMEOUT_SECONDS)
    try:
        exists = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (VERSION_TABLE,))
        if exists.fetchone() is None:
            return None
        row = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    finally:
        connection.close()
    return None if row is None else str(row[0])


def _create_sqlite_schema(path: str) -> bool:
    """Give an empty SQLite database the head schema with `sqlite3` alone; False if it is not empty.

    True also when another process created the schema first. False leaves the database as it
    was, for Alembic: it has tables already, or the rendered SQL is older than `migrations.HEAD`.
    """
    statements = _sqlite_schema_statements()
    if statements is None:
        return False
    connection = sqlite3.connect(path, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")  # one creator at a time; the others then see its tables
        try:
            empty = connection.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None
            if empty:
                for statement in statements:
                    connection.execute(statement).fetchall()
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        connection.close()
    return empty or _sqlite_revision(path) == migrations.HEAD


def _sqlite_schema_statements() -> list[str] | None:
    """The statements of `SQLITE_SCHEMA`, or None if it is missing or does not reach `migrations.HEAD`."""
    try:
        text = SQLITE_SCHEMA.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    if not text.startswith(_SQLITE_SCHEMA_HEADER.format(migrations.HEAD) + "\n"):
        return None
    statements, pending = [], ""
    for line in text.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if re.sub(r"(?m)^\s*--.*$", "", pending).strip():
        raise ValueError(f"{SQLITE_SCHEMA} ends with an incomplete statement")
    return statements


def render_sqlite_schema() -> str:
    """What `SQLITE_SCHEMA` must hold: Alembic's offline rendering of every migration for SQLite."""
    from io import StringIO

    from alembic import command

    config = alembic_config("sqlite:///unused.db")
    rendered = StringIO()
    config.output_buffer = rendered
    command.upgrade(config, "head", sql=True)
    lines = [line.rstrip() for line in rendered.getvalue().strip().splitlines()]
    return "\n".join([_SQLITE_SCHEMA_HEADER.format(migrations.HEAD), "", *lines]) + "\n"


def _engine(url: str) -> AsyncEngine:
    from sqlalchemy import event
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    if not is_sqlite(url):
        return create_async_engine(sqlalchemy_url(url), poolclass=NullPool)
    engine = create_async_engine(
        sqlalchemy_url(url), poolclass=NullPool, connect_args={"timeout": LOCK_TIMEOUT_SECONDS}
    )

    # SQLAlchemy's recipe for SQLite transactions: stop the driver's own implicit BEGIN and
    # emit ours, IMMEDIATE so that the writer lock is taken before the version is read.
    @event.listens_for(engine.sync_engine, "connect")
    def _no_driver_begin(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _begin_immediate(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


async def _server_revision(url: str) -> str | None:
    engine = _engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_revision)
    finally:
        await engine.dispose()


def _read_revision(connection: Connection) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    version = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return None if version is None else str(version)


async def _upgrade(url: str) -> None:
    config = alembic_config(url)
    engine = _engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_upgrade_locked, config)
    finally:
        await engine.dispose()


def _upgrade_locked(connection: Connection, config: Config) -> None:
    from alembic import command

    with _session_lock(connection), connection.begin():
        if _read_revision(connection) == migrations.HEAD:
            return
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def _session_lock(connection: Connection) -> Iterator[None]:
    """PostgreSQL's and MariaDB's named locks; SQLite's lock is its `BEGIN IMMEDIATE`."""
    from sqlalchemy import text

    statements = _LOCKS.get(connection.dialect.name)
    if statements is None:
        yield
        return
    acquire, release = statements
    acquired = connection.execute(text(acquire)).scalar()
    connection.commit()
    if acquired == 0:  # GET_LOCK timed out
        raise TimeoutError(f"waited {LOCK_TIMEOUT_SECONDS}s for the migration lock")
    try:
        yield
    finally:
        connection.execute(text(release))
        connection.commit()


# MariaDB's lock names are server-wide, so the name includes the database's; PostgreSQL's
# advisory locks already belong to one database. pg_advisory_lock waits as long as it takes.
_MARIADB_LOCK_NAME = f"LEFT(CONCAT('{LOCK_NAME}:', DATABASE()), 64)"
_LOCKS = {
    "postgresql": (f"SELECT pg_advisory_lock({PG_LOCK_KEY})", f"SELECT pg_advisory_unlock({PG_LOCK_KEY})"),
    "mysql": (
        f"SELECT GET_LOCK({_MARIADB_LOCK_NAME}, {LOCK_TIMEOUT_SECONDS})",
        f"SELECT RELEASE_LOCK({_MARIADB_LOCK_NAME})",
    ),
}
_LOCKS["mariadb"] = _LOCKS["mysql"]


if __name__ == "__main__":
    SQLITE_SCHEMA.write_text(render_sqlite_schema(), encoding="utf-8")
    print(f"wrote {SQLITE_SCHEMA}")
