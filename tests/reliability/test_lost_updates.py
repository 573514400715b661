"""No lost update through HTTP: two worker processes, many concurrent writers on one connector
and one sync job, each writer on its own fields. Every writer's last acknowledged value must be
what a GET reads back afterwards, and nothing may answer 5xx.

Every body below is a partial document: after the run, the last body each writer had
acknowledged must be contained in the stored document.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.reliability.servers import MARIADB, POSTGRES, SQLITE, access_log_pids, backend_storage, serve

pytestmark = pytest.mark.served

ROUNDS = 25
CONNECTIONS = 16
CONNECTOR = "/_connector/shared"


@dataclass(frozen=True)
class Writer:
    path: str
    body: Callable[[int], dict[str, Any] | None]


def schedule(interval: str) -> dict[str, Any]:
    return {"enabled": True, "interval": interval}


def pipeline(number: int) -> dict[str, Any]:
    return {
        "extract_binary_content": number % 2 == 0, "name": f"pipeline-{number}",
        "reduce_whitespace": True, "run_ml_inference": False,
    }


def stats(metadata_key: str, number: int, **extra: int) -> dict[str, Any]:
    counters = {"deleted_document_count": 0, "indexed_document_count": 0, "indexed_document_volume": 0}
    return {**counters, **extra, "metadata": {metadata_key: number}}


CONNECTOR_WRITERS = [
    Writer(f"{CONNECTOR}/_name", lambda n: {"name": f"name-{n}"}),
    Writer(f"{CONNECTOR}/_name", lambda n: {"description": f"description-{n}"}),
    Writer(f"{CONNECTOR}/_last_sync", lambda n: {"last_indexed_document_count": n}),
    Writer(f"{CONNECTOR}/_last_sync", lambda n: {"last_deleted_document_count": n, "last_sync_error": f"e{n}"}),
    Writer(f"{CONNECTOR}/_scheduling", lambda n: {"scheduling": {"full": schedule(f"0 {n % 60} 0 * * ?")}}),
    Writer(f"{CONNECTOR}/_scheduling", lambda n: {"scheduling": {"incremental": schedule(f"0 0 {n % 24} * * ?")}}),
    Writer(f"{CONNECTOR}/_pipeline", lambda n: {"pipeline": pipeline(n)}),
    Writer(f"{CONNECTOR}/_api_key_id", lambda n: {"api_key_id": f"key-{n}"}),
    Writer(f"{CONNECTOR}/_api_key_id", lambda n: {"api_key_secret_id": f"secret-{n}"}),
    Writer(f"{CONNECTOR}/_check_in", lambda n: None),
]


def job_writers(job: str) -> list[Writer]:
    return [
        Writer(f"/_connector/_sync_job/{job}/_stats", lambda n: stats("alpha", n)),
        Writer(f"/_connector/_sync_job/{job}/_stats", lambda n: stats("beta", n, total_document_count=n)),
        Writer(f"/_connector/_sync_job/{job}/_check_in", lambda n: None),
    ]


def contains(document: Mapping[str, Any], partial: Mapping[str, Any]) -> bool:
    """Whether every key of `partial` is in `document` with the same value (objects compared by key)."""
    for key, value in partial.items():
        if isinstance(value, Mapping):
            inner = document.get(key)
            if not isinstance(inner, Mapping) or not contains(inner, value):
                return False
        elif key not in document or document[key] != value:
            return False
    return True


async def run_writer(client: httpx.AsyncClient, writer: Writer) -> tuple[list[int], dict[str, Any] | None]:
    """PUT the writer's body ROUNDS times in sequence; (every status, the last acknowledged body)."""
    statuses, acknowledged = [], None
    for number in range(ROUNDS):
        body = writer.body(number)
        response = await client.put(writer.path, json=body) if body is not None else await client.put(writer.path)
        statuses.append(response.status_code)
        if response.status_code == 200:
            acknowledged = body
    return statuses, acknowledged


async def create_connector_and_job(client: httpx.AsyncClient) -> str:
    created = await client.put(CONNECTOR, json={"index_name": "search-shared", "service_type": "custom"})
    assert created.status_code == 201, created.text
    job = await client.post("/_connector/_sync_job", json={"id": "shared"})
    assert job.status_code == 201, job.text
    job_id: str = job.json()["id"]
    return job_id


async def writes_from_two_workers(url: str) -> None:
    # A new connection per request: kept-alive connections, all accepted at once by whichever worker
    # woke first, could leave the other worker idle; fresh ones go to the worker that is free.
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        job = await create_connector_and_job(client)
        writers = CONNECTOR_WRITERS + job_writers(job)
        results = await asyncio.gather(*(run_writer(client, writer) for writer in writers))
        connector = (await client.get(CONNECTOR)).json()
        sync_job = (await client.get(f"/_connector/_sync_job/{job}")).json()

    for writer, (statuses, acknowledged) in zip(writers, results, strict=True):
        assert statuses == [200] * ROUNDS, (writer.path, statuses)
        stored = sync_job if writer.path.startswith("/_connector/_sync_job/") else connector
        if acknowledged is not None:
            assert contains(stored, acknowledged), (writer.path, acknowledged, stored)
    assert "last_seen" in connector and "last_seen" in sync_job


@pytest.mark.parametrize("kind", [SQLITE, POSTGRES, MARIADB])
def test_concurrent_writers_on_two_workers_lose_no_acknowledged_value(kind: str, tmp_path: Path) -> None:
    with backend_storage(kind, tmp_path) as storage:
        with serve(tmp_path, storage, workers=2, settings="access_log = true\n") as instance:
            asyncio.run(asyncio.wait_for(writes_from_two_workers(instance.url), 60))
        output = instance.output()

    assert len(access_log_pids(instance, "/_connector/")) == 2, output[-3000:]
    assert " 500 " not in output and "Traceback" not in output, output[-3000:]
