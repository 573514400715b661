"""Two worker processes updating different fields of one document: neither loses a write.

Each process runs `storage.documents.update_document` (read, transform, conditional write) in
a loop on its own field of the same connector; the last value each acknowledged must be in the
stored document, and `seq_no` must count every write.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from functools import partial
from multiprocessing.synchronize import Barrier
from typing import Any

import pytest

from storage import open_storage
from storage.documents import update_document
from storage.indices import CONNECTORS

SQL_BACKENDS = [
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
    pytest.param("sqlalchemy_sqlite", marks=pytest.mark.sqlalchemy_sqlite),
]
WRITES = 40
TIMEOUT_SECONDS = 30


def _with_field(field: str, value: int, source: dict[str, Any]) -> dict[str, Any]:
    return {**source, field: value}


async def _write_field(url: str, field: str, barrier: Barrier) -> None:
    storage = open_storage(url)
    await storage.open()
    try:
        await storage.ping()
        barrier.wait(TIMEOUT_SECONDS)
        for value in range(WRITES):
            await update_document(storage, CONNECTORS, "shared", partial(_with_field, field, value))
    finally:
        await storage.close()


def _writer_process(url: str, field: str, barrier: Barrier) -> None:
    asyncio.run(_write_field(url, field, barrier))


@pytest.fixture(params=SQL_BACKENDS)
def sql_url(request: pytest.FixtureRequest) -> str:
    # A sync fixture: the session databases are created outside any running event loop.
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


async def test_two_processes_updating_different_fields_both_survive(sql_url: str) -> None:
    url = sql_url
    storage = open_storage(url)
    await storage.open()
    try:
        await storage.clear()
        await storage.create_document(CONNECTORS, "shared", {"name": "shared"})
        spawn = multiprocessing.get_context("spawn")
        barrier = spawn.Barrier(2)
        writers = [spawn.Process(target=_writer_process, args=(url, field, barrier)) for field in ("left", "right")]
        for writer in writers:
            writer.start()
        for writer in writers:
            await asyncio.to_thread(writer.join, TIMEOUT_SECONDS)
        assert [writer.exitcode for writer in writers] == [0, 0]
        stored = await storage.get_document(CONNECTORS, "shared")
        assert stored is not None
        assert stored.source == {"name": "shared", "left": WRITES - 1, "right": WRITES - 1}
        assert stored.seq_no == 2 * WRITES
    finally:
        await storage.clear()
        await storage.close()
