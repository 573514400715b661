"""`GET /_cluster/health`: green while the storage answers, 503 red when it does not (a real outage)."""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from quart import Quart
from sqlalchemy.engine import make_url

from app import create_app
from app.state import STORAGE_KEY
from config.settings import Settings
from storage import open_storage
from storage.migrations import upgrade_to_head
from tests.api.conftest import Api, error_of
from tests.ops.tcp_proxy import TcpProxy

GREEN_BODY = {
    "cluster_name": "ops-cluster",
    "status": "green",
    "timed_out": False,
    "number_of_nodes": 1,
    "number_of_data_nodes": 1,
    "active_primary_shards": 4,
    "active_shards": 4,
    "relocating_shards": 0,
    "initializing_shards": 0,
    "unassigned_shards": 0,
    "unassigned_primary_shards": 0,
    "delayed_unassigned_shards": 0,
    "number_of_pending_tasks": 0,
    "number_of_in_flight_fetch": 0,
    "task_max_waiting_in_queue_millis": 0,
    "active_shards_percent_as_number": 100.0,
}
ON_MEMORY = pytest.mark.parametrize("storage_url", [pytest.param("memory", marks=pytest.mark.memory)], indirect=True)
ON_SQLITE = pytest.mark.parametrize("storage_url", [pytest.param("sqlite", marks=pytest.mark.sqlite)], indirect=True)
ON_POSTGRES_THROUGH_PROXY = pytest.mark.parametrize(
    "storage_url", [pytest.param("postgres-through-proxy", marks=pytest.mark.postgres)], indirect=True
)
RED_BODY = GREEN_BODY | {
    "status": "red",
    "number_of_data_nodes": 0,
    "active_primary_shards": 0,
    "active_shards": 0,
    "unassigned_shards": 4,
    "unassigned_primary_shards": 4,
    "active_shards_percent_as_number": 0.0,
}


@pytest.fixture
async def served_app(storage_url: str) -> AsyncIterator[Quart]:
    """The app opening and closing its own storage, as when served."""
    application = create_app(Settings(storage=storage_url, cluster_name="ops-cluster"))
    async with application.test_app():
        yield application


@pytest.fixture
def api(served_app: Quart) -> Api:
    return Api(served_app.test_client())


def storage_errors(metrics: str) -> float:
    line = next(line for line in metrics.splitlines() if line.startswith("connector_api_storage_errors_total{"))
    return float(line.rsplit(" ", 1)[1])


async def metrics_text(api: Api) -> str:
    response = await api.client.get("/_prometheus/metrics")
    return await response.get_data(as_text=True)


@ON_MEMORY
async def test_memory_storage_is_always_green(api: Api) -> None:
    assert await api.get("/_cluster/health") == (200, GREEN_BODY)


@ON_MEMORY
async def test_human_adds_the_readable_fields_where_elasticsearch_puts_them(api: Api) -> None:
    status, body = await api.get("/_cluster/health?human")

    assert status == 200
    assert list(body)[-4:] == [
        "task_max_waiting_in_queue", "task_max_waiting_in_queue_millis",
        "active_shards_percent", "active_shards_percent_as_number",
    ]
    assert (body["task_max_waiting_in_queue"], body["active_shards_percent"]) == ("0s", "100.0%")


@ON_MEMORY
@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("timeout=5", "failed to parse setting [timeout] with value [5] as a time value: "
                      "unit is missing or unrecognized"),
        ("timeout=1.5s", "failed to parse [1.5s], fractional time values are not supported"),
        ("timeout=abcs", "failed to parse [abcs]"),
        ("timeout=-2s", "failed to parse setting [timeout] with value [-2s] as a time value: "
                        "negative durations are not supported"),
        ("wait_for_status=blue", "No enum constant org.elasticsearch.cluster.health.ClusterHealthStatus.BLUE"),
        ("level=indices", "request [/_cluster/health] contains unrecognized parameter: [level]"),
    ],
)
async def test_invalid_parameters_are_rejected_as_elasticsearch_words_it(api: Api, query: str, reason: str) -> None:
    status, body = await api.get(f"/_cluster/health?{query}")

    assert (status, error_of(body)) == (400, ("illegal_argument_exception", reason))


@ON_MEMORY
@pytest.mark.parametrize("query", ["timeout=0", "timeout=-1", "timeout=10ms", "timeout=2m", "wait_for_status=YELLOW"])
async def test_valid_time_values_and_statuses_are_accepted(api: Api, query: str) -> None:
    assert await api.get(f"/_cluster/health?{query}") == (200, GREEN_BODY)


@pytest.mark.sqlite
async def test_sqlite_database_file_destroyed_under_the_server_turns_the_cluster_red(tmp_path: Path) -> None:
    database = tmp_path / "health.db"
    upgrade_to_head(f"sqlite:///{database}")
    application = create_app(Settings(storage=f"sqlite:///{database}", cluster_name="ops-cluster"))
    async with application.test_app():
        api = Api(application.test_client())
        before = await api.get("/_cluster/health")
        os.truncate(database, 0)  # the file's content is gone; the server's connections are still open
        after = await api.get("/_cluster/health")
        errors = storage_errors(await metrics_text(api))

    assert before == (200, GREEN_BODY)
    assert after == (503, RED_BODY)
    assert errors == 1.0


@ON_SQLITE
async def test_sqlite_storage_that_was_closed_turns_the_cluster_red(served_app: Quart, api: Api) -> None:
    assert await api.get("/_cluster/health") == (200, GREEN_BODY)

    await served_app.extensions[STORAGE_KEY].close()

    assert await api.get("/_cluster/health") == (503, RED_BODY)


@pytest.fixture
async def proxy_to_postgres(postgres_url: str) -> AsyncIterator[tuple[TcpProxy, str]]:
    url = make_url(postgres_url)
    proxy = await TcpProxy(url.host or "127.0.0.1", url.port or 5432).open()
    try:
        yield proxy, url.set(port=proxy.port).render_as_string(hide_password=False)
    finally:
        await proxy.close()


@pytest.fixture
def storage_url(request: pytest.FixtureRequest) -> Any:
    """The storage each test names: memory, the SQLite session file, or PostgreSQL through a `TcpProxy`."""
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("proxy_to_postgres")[1]


@ON_POSTGRES_THROUGH_PROXY
async def test_postgres_that_goes_away_turns_the_cluster_red_and_back_green(
    api: Api, proxy_to_postgres: tuple[TcpProxy, str]
) -> None:
    proxy, _ = proxy_to_postgres
    assert await api.get("/_cluster/health") == (200, GREEN_BODY)

    await proxy.close()
    red = await api.get("/_cluster/health")
    refused, refused_body = await api.get("/_connector/some-connector")

    await proxy.open()
    recovered = await api.get("/_cluster/health?wait_for_status=green&timeout=20s")

    assert red == (503, RED_BODY)
    assert (refused, error_of(refused_body)[0]) == (503, "unavailable_shards_exception")
    assert recovered == (200, GREEN_BODY)
    assert storage_errors(await metrics_text(api)) == 2.0


@ON_POSTGRES_THROUGH_PROXY
async def test_postgres_that_stops_answering_is_red_and_timed_out_after_the_timeout(
    api: Api, proxy_to_postgres: tuple[TcpProxy, str]
) -> None:
    proxy, _ = proxy_to_postgres
    assert await api.get("/_cluster/health") == (200, GREEN_BODY)

    proxy.freeze()
    started = time.monotonic()
    answer = await api.get("/_cluster/health?timeout=500ms")
    waited = time.monotonic() - started
    await proxy.close()

    assert answer == (503, RED_BODY | {"timed_out": True})
    assert 0.5 <= waited < 5


@pytest.mark.postgres
async def test_a_stalled_postgres_answers_503_after_the_statement_timeout_instead_of_hanging(
    proxy_to_postgres: tuple[TcpProxy, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.sql.engine

    monkeypatch.setattr(storage.sql.engine, "STATEMENT_TIMEOUT_SECONDS", 1.0)
    proxy, url = proxy_to_postgres
    stalled_storage = open_storage(url)
    await stalled_storage.open()
    app = create_app(Settings(storage=url), storage=stalled_storage)
    try:
        async with app.test_app():
            api = Api(app.test_client())
            assert (await api.get("/_connector/some-connector"))[0] == 404
            proxy.freeze()
            started = time.monotonic()
            status, body = await api.get("/_connector/some-connector")
            waited = time.monotonic() - started
    finally:
        await proxy.close()
        await stalled_storage.close()
    assert (status, error_of(body)[0]) == (503, "unavailable_shards_exception")
    assert waited < 10
