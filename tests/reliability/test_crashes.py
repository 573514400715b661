"""A server killed with SIGKILL in the middle of a stream of writes loses none it acknowledged.

Writers create connectors and raise `_last_sync` counters as fast as the server answers; the
server is killed once enough writes are acknowledged. Afterwards the database must open cleanly
(SQLite: `PRAGMA integrity_check`), the server must start again on it, and every acknowledged
write must be there: each created connector, and each counter at least at its last
acknowledged value (a write in flight at the kill may have been applied without an answer).
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.reliability.servers import POSTGRES, SQLALCHEMY_SQLITE, SQLITE, backend_storage, kill, serve
from tests.served.server import Served

pytestmark = pytest.mark.served

WRITERS = 6
ACKNOWLEDGED_BEFORE_KILL = 150
REQUEST_TIMEOUT = 10.0


@dataclass
class Acknowledged:
    created: set[str] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=dict)

    def total(self) -> int:
        return len(self.created) + sum(value + 1 for value in self.counters.values())


async def write_until_killed(client: httpx.AsyncClient, writer: int, acknowledged: Acknowledged) -> None:
    """Alternate a new connector and a higher counter on this writer's own connector, until the kill."""
    counter = f"counter-{writer}"
    try:
        created = await client.put(f"/_connector/{counter}", json={"index_name": f"search-{counter}"})
        assert created.status_code == 201, created.text
        for number in range(100_000):
            connector = f"crash-{writer}-{number}"
            response = await client.put(f"/_connector/{connector}", json={"name": connector})
            assert response.status_code == 201, response.text
            acknowledged.created.add(connector)
            counted = {"last_indexed_document_count": number}
            response = await client.put(f"/_connector/{counter}/_last_sync", json=counted)
            assert response.status_code == 200, response.text
            acknowledged.counters[counter] = number
    except httpx.TransportError:
        return


async def kill_mid_stream(instance: Served) -> Acknowledged:
    acknowledged = Acknowledged()
    async with httpx.AsyncClient(base_url=instance.url, timeout=REQUEST_TIMEOUT) as client:
        writers = [asyncio.create_task(write_until_killed(client, writer, acknowledged)) for writer in range(WRITERS)]
        while acknowledged.total() < ACKNOWLEDGED_BEFORE_KILL and not any(task.done() for task in writers):
            await asyncio.sleep(0.01)
        kill(instance)
        await asyncio.gather(*writers)
    return acknowledged


def check_sqlite_file(storage: str) -> None:
    path = storage.partition(":///")[2]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    connection.close()


def assert_all_there(url: str, acknowledged: Acknowledged) -> None:
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        listed = client.get("/_connector", params={"size": 10_000}).json()
        stored = {result["id"]: result for result in listed["results"]}
    missing = sorted(acknowledged.created - set(stored))
    assert not missing, f"{len(missing)} acknowledged connectors lost: {missing[:10]}"
    for counter, value in acknowledged.counters.items():
        assert stored[counter].get("last_indexed_document_count", -1) >= value, (counter, value, stored[counter])


@pytest.mark.parametrize("kind", [SQLITE, SQLALCHEMY_SQLITE, POSTGRES])
def test_sigkill_mid_stream_loses_no_acknowledged_write(kind: str, tmp_path: Path) -> None:
    with backend_storage(kind, tmp_path) as storage:
        with serve(tmp_path, storage) as instance:
            acknowledged = asyncio.run(asyncio.wait_for(kill_mid_stream(instance), 30))

        assert instance.process.returncode == -9
        assert acknowledged.total() >= ACKNOWLEDGED_BEFORE_KILL
        if "sqlite" in kind:
            check_sqlite_file(storage)
        with serve(tmp_path, storage) as restarted:
            assert_all_there(restarted.url, acknowledged)
