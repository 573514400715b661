"""The store's engine: one pool per process, in AUTOCOMMIT, set up for each database.

Every store operation is one statement, so AUTOCOMMIT saves the BEGIN and COMMIT round trips,
and `skip_autocommit_rollback` with no reset-on-return saves the ROLLBACK SQLAlchemy would
otherwise send when a connection goes back to the pool (a round trip on MariaDB, a hop to
aiosqlite's thread on SQLite). SQLite files get the journal the direct store gives them:
WAL, so that readers never block the writer (several pooled connections share the file;
with a rollback journal they stalled in SQLite's busy-wait under concurrent writes), and
`synchronous=FULL`, so that an acknowledged write survives a crash of the OS.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

CONNECT_TIMEOUT_SECONDS = 10
SQLITE_BUSY_TIMEOUT_SECONDS = 5
STATEMENT_TIMEOUT_SECONDS = 30.0
"""A PostgreSQL statement unanswered this long fails as unavailable (503) instead of hanging its
request for ever (asyncpg's `command_timeout`; aiomysql has no per-statement timeout)."""
POOL_SIZE = 16
"""Connections kept open per process: about the concurrency one worker serves."""

_CONNECT_ARGS: dict[str, dict[str, Any]] = {
    "postgresql": {"timeout": CONNECT_TIMEOUT_SECONDS},
    "mysql": {"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    "mariadb": {"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    "sqlite": {"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
}


def _connect_args(dialect: str) -> dict[str, Any]:
    args = dict(_CONNECT_ARGS.get(dialect, {}))
    if dialect == "postgresql":
        args["command_timeout"] = STATEMENT_TIMEOUT_SECONDS
    return args


def dialect_name(driver_url: str) -> str:
    """`postgresql`, `mysql`, `mariadb` or `sqlite`, without connecting."""
    return make_url(driver_url).get_dialect().name


def create_engine(driver_url: str) -> AsyncEngine:
    """The engine for an async driver URL (see `storage.sql.urls.sqlalchemy_url`)."""
    dialect = dialect_name(driver_url)
    engine = create_async_engine(
        driver_url,
        isolation_level="AUTOCOMMIT",
        skip_autocommit_rollback=True,
        pool_reset_on_return=None,
        pool_size=POOL_SIZE,
        max_overflow=POOL_SIZE,
        connect_args=_connect_args(dialect),
    )
    if dialect == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_journal)
    return engine


def _sqlite_journal(dbapi_connection: Any, record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
    finally:
        cursor.close()
