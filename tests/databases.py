"""Throw-away databases on the servers this machine runs, one per test session.

Each session creates its own database (so parallel runs never see each other's rows) and
drops it at the end. A server that cannot be reached skips its tests with the reason, except
under CI (`CI=true`), where it fails them: CI has started the servers, so unreachable is a bug.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

POSTGRES_ADMIN_URL = os.environ.get("CONNECTOR_API_TEST_POSTGRES", "postgresql://root@127.0.0.1:5432/test")
MARIADB_ADMIN_URL = os.environ.get("CONNECTOR_API_TEST_MARIADB", "mysql://root@127.0.0.1:3306/test")


def unreachable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must provide this server)", pytrace=False)
    pytest.skip(reason)


def _replace_database(url: str, database: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"


async def _postgres(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _mariadb(statement: str) -> None:
    import aiomysql
    from sqlalchemy.engine import make_url

    url = make_url(MARIADB_ADMIN_URL)
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


@contextmanager
def throwaway_database(kind: str) -> Iterator[str]:
    """Create a fresh database on the `postgres` or `mariadb` server; yield its URL."""
    name = f"connector_api_test_{os.getpid()}_{secrets.token_hex(4)}"
    run = _postgres if kind == "postgres" else _mariadb
    admin_url = POSTGRES_ADMIN_URL if kind == "postgres" else MARIADB_ADMIN_URL
    try:
        asyncio.run(run(f"CREATE DATABASE {name}"))
    except Exception as error:  # noqa: BLE001 - any failure to connect means "unreachable"
        unreachable(f"{kind} at {admin_url} is unreachable: {error!r}")
    try:
        yield _replace_database(admin_url, name)
    finally:
        drop = f"DROP DATABASE IF EXISTS {name}" + (" WITH (FORCE)" if kind == "postgres" else "")
        asyncio.run(run(drop))
