"""Throw-away databases on a PostgreSQL or MariaDB server: created empty, dropped after use.

The test suite gives each session its own database this way (parallel runs never see each
other's rows), and the bench gives each server it measures one.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, Literal

DatabaseKind = Literal["postgres", "mariadb"]

ADMIN_URLS: dict[DatabaseKind, str] = {
    "postgres": os.environ.get("CONNECTOR_API_TEST_POSTGRES", "postgresql://root@127.0.0.1:5432/test"),
    "mariadb": os.environ.get("CONNECTOR_API_TEST_MARIADB", "mysql://root@127.0.0.1:3306/test"),
}
"""Where each server is reached with rights to create databases (this machine's defaults)."""


class DatabaseUnavailable(RuntimeError):
    """The server could not be reached, or refused to create the database."""


@contextmanager
def throwaway_database(kind: DatabaseKind, prefix: str = "connector_api_test") -> Iterator[str]:
    """Create a fresh, empty database on the `kind` server; yield its URL; drop it on exit."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin_url = ADMIN_URLS[kind]
    try:
        asyncio.run(_EXECUTORS[kind](admin_url, f"CREATE DATABASE {name}"))
    except Exception as error:  # noqa: BLE001 - any failure here means the server is not usable
        raise DatabaseUnavailable(f"{kind} at {admin_url} is unreachable: {error!r}") from None
    try:
        yield _with_database(admin_url, name)
    finally:
        drop = f"DROP DATABASE IF EXISTS {name}" + (" WITH (FORCE)" if kind == "postgres" else "")
        asyncio.run(_EXECUTORS[kind](admin_url, drop))


def _with_database(url: str, database: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"


async def _postgres(admin_url: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _mariadb(admin_url: str, statement: str) -> None:
    import aiomysql
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    connection = await aiomysql.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 3306,
        user=url.username or "root",
        password=url.password or "",
        db=url.database,
        connect_timeout=5,
    )
    try:
        async with connection.cursor() as cursor:
            await cursor.execute(statement)
        await connection.commit()
    finally:
        connection.close()


Executor = Callable[[str, str], Coroutine[Any, Any, None]]
_EXECUTORS: dict[DatabaseKind, Executor] = {"postgres": _postgres, "mariadb": _mariadb}
