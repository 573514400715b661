"""`GET /_prometheus/metrics`: requests by route name, method and status; storage errors; several workers."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from quart import Quart

from app import create_app
from app.observability.metrics import MULTIPROC_ENV, multiprocess_directory
from app.state import STORAGE_KEY
from config.settings import Settings
from tests.api.conftest import Api, error_of
from tests.ops.served import access_records, served_with
from tests.served.server import stop

REQUEST_COUNT = "connector_api_http_request_duration_seconds_count"


@pytest.fixture
async def own_app(request: pytest.FixtureRequest) -> AsyncIterator[Quart]:
    """An app opening its own storage (memory, or the SQLite session file with `sqlite` as param)."""
    url = request.getfixturevalue("sqlite_url") if getattr(request, "param", None) == "sqlite" else "memory://"
    application = create_app(Settings(storage=url))
    async with application.test_app():
        yield application


@pytest.fixture
def api(own_app: Quart) -> Api:
    return Api(own_app.test_client())


async def scrape(api: Api, accept: str | None = None) -> tuple[str, str]:
    response = await api.client.get("/_prometheus/metrics", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    return await response.get_data(as_text=True), response.headers["Content-Type"]


def count(metrics: str, endpoint: str, method: str, status: int) -> float:
    pattern = rf'^{REQUEST_COUNT}{{endpoint="{endpoint}",method="{method}",status="{status}"}} (\S+)$'
    found = re.search(pattern, metrics, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


@pytest.mark.memory
async def test_requests_are_counted_by_route_name_never_by_path(api: Api) -> None:
    for connector_id in ("id-alpha", "id-beta", "id-gamma"):
        await api.put(f"/_connector/{connector_id}", {"name": connector_id})
    await api.put("/_connector/id-alpha", {"name": "again"})

    metrics, _ = await scrape(api)

    assert count(metrics, "connectors.put_connector", "PUT", 201) == 3
    assert count(metrics, "connectors.put_connector", "PUT", 200) == 1
    assert "id-" not in metrics


@pytest.mark.memory
async def test_unmatched_paths_and_unknown_methods_share_bounded_series(api: Api) -> None:
    await api.get("/_no_such_thing/1")
    await api.get("/_no_such_thing/2")
    await api.call("BREW", "/_connector/coffee")

    metrics, _ = await scrape(api)

    assert count(metrics, "none", "GET", 404) == 2
    assert count(metrics, "none", "other", 405) == 1
    assert "BREW" not in metrics


@pytest.mark.memory
async def test_latency_is_a_histogram_with_sub_millisecond_buckets(api: Api) -> None:
    await api.get("/")

    metrics, content_type = await scrape(api)

    assert content_type.startswith("text/plain; version=0.0.4")
    assert 'connector_api_http_request_duration_seconds_bucket{endpoint="meta.root",le="0.0005",method="GET"' in metrics
    assert re.search(r'_sum\{endpoint="meta.root",method="GET",status="200"\} 0\.\d+', metrics)


@pytest.mark.memory
async def test_openmetrics_is_answered_to_a_scraper_that_asks_for_it(api: Api) -> None:
    metrics, content_type = await scrape(api, "application/openmetrics-text; version=1.0.0")

    assert content_type.startswith("application/openmetrics-text; version=1.0.0")
    assert metrics.endswith("# EOF\n")


@pytest.mark.sqlite
@pytest.mark.parametrize("own_app", ["sqlite"], indirect=True)
async def test_storage_failures_answered_503_are_counted_by_error_class(own_app: Quart, api: Api) -> None:
    before, _ = await scrape(api)
    await own_app.extensions[STORAGE_KEY].close()

    status, body = await api.get("/_connector/anything")
    after, _ = await scrape(api)

    assert (status, error_of(body)[0]) == (503, "unavailable_shards_exception")
    assert 'connector_api_storage_errors_total{type="StorageUnavailable"} 0.0' in before
    assert 'connector_api_storage_errors_total{type="StorageUnavailable"} 1.0' in after
    assert count(after, "connectors.get_connector", "GET", 503) == 1


def test_a_fresh_multiprocess_directory_is_exported_then_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)

    with multiprocess_directory() as directory:
        exported = os.environ[MULTIPROC_ENV]
        assert directory.is_dir()

    assert exported == str(directory)
    assert not directory.exists()
    assert MULTIPROC_ENV not in os.environ


def test_an_operators_multiprocess_directory_is_emptied_of_old_samples_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path))
    (tmp_path / "histogram_123.db").write_bytes(b"old samples")
    (tmp_path / "notes.txt").write_text("not ours")

    with multiprocess_directory() as directory:
        left = sorted(path.name for path in directory.iterdir())

    assert (directory, left) == (tmp_path, ["notes.txt"])
    assert tmp_path.is_dir()


@pytest.mark.served
def test_two_workers_report_the_requests_of_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # where `serve` makes its PROMETHEUS_MULTIPROC_DIR
    requests = 40
    storage = f"sqlite:///{tmp_path / 'workers.db'}"
    with served_with(tmp_path, "--workers", "2", storage=storage, access_log=True) as served:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda number: put_on_a_new_connection(served.url, number), range(requests)))
        scrapes = [httpx.get(served.url + "/_prometheus/metrics").text for _ in range(6)]
        directories = list(tmp_path.glob("connector-api-metrics-*"))
        stop(served.process)

    workers = {record["process"]["pid"] for record in served_access_records(served.output())}
    assert len(workers) == 2, served.output()
    assert {count(metrics, "connectors.put_connector", "PUT", 201) for metrics in scrapes} == {requests}
    assert len(directories) == 1 and not directories[0].exists()


def put_on_a_new_connection(base_url: str, number: int) -> int:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        return client.put(f"/_connector/metrics-{number}", json={"name": f"connector {number}"}).status_code


def served_access_records(output: str) -> list[dict[str, Any]]:
    return [record for record in access_records(output) if record["url"]["path"].startswith("/_connector/metrics-")]
