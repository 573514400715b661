"""The database going away mid-run: clear 503s in the Elasticsearch envelope, never a 500, and
recovery without a restart once it is back.

A `TcpProxy` stands between the server and the database (the storage URL names the proxy's
port). `drop()` closes the server's open connections and every new one; `refuse()` stops
listening altogether; `forward()` relays again. Last, the database is cut and restored a few
times under concurrent writers: every write is answered 200 or 503, nothing else.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from storage.migrations import upgrade_to_head
from tests.reliability.proxy import TcpProxy
from tests.reliability.servers import MARIADB, POSTGRES, assert_error_envelope, backend_storage, serve
from tests.served.server import Served

pytestmark = pytest.mark.served

ANSWER_WITHIN_SECONDS = 5.0
RECOVER_WITHIN_SECONDS = 10.0
WRITERS = 4

Call = Callable[[httpx.Client], httpx.Response]

CALLS: dict[str, Call] = {
    "get": lambda client: client.get("/_connector/outage"),
    "list": lambda client: client.get("/_connector"),
    "last_sync": lambda client: client.put("/_connector/outage/_last_sync", json={"last_sync_error": "down"}),
    "create": lambda client: client.put("/_connector/another", json={"name": "another"}),
    "sync_job": lambda client: client.post("/_connector/_sync_job", json={"id": "outage"}),
    "list_sync_jobs": lambda client: client.get("/_connector/_sync_job"),
    "secret": lambda client: client.post("/_connector/_secret", json={"value": "s3cr3t"}),
}


@pytest.fixture(params=[POSTGRES, MARIADB])
def proxied(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[TcpProxy, Served]]:
    """A served instance whose storage URL goes through a proxy to a fresh database."""
    with backend_storage(request.param, tmp_path) as storage:
        upgrade_to_head(storage)  # directly: many small round trips, faster without the proxy's hops
        url = make_url(storage)
        with TcpProxy(url.host or "127.0.0.1", url.port or 0) as proxy:
            through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            with serve(tmp_path, through_proxy) as instance:
                yield proxy, instance


def assert_storage_unavailable(response: httpx.Response, name: str) -> None:
    assert response.status_code == 503, (name, response.status_code, response.text)
    error = assert_error_envelope(response)
    assert error["type"] == "unavailable_shards_exception", (name, error)
    assert error["reason"].startswith("storage is unavailable: "), (name, error)
    assert error["root_cause"][0]["type"] == "unavailable_shards_exception", (name, error)


def assert_every_call_unavailable(client: httpx.Client) -> None:
    for name, call in CALLS.items():
        started = time.monotonic()
        response = call(client)
        assert time.monotonic() - started < ANSWER_WITHIN_SECONDS, name
        assert_storage_unavailable(response, name)


def wait_until_answering(client: httpx.Client) -> None:
    deadline = time.monotonic() + RECOVER_WITHIN_SECONDS
    while time.monotonic() < deadline:
        response = client.get("/_connector/outage")
        if response.status_code == 200:
            return
        assert_storage_unavailable(response, "get")
        time.sleep(0.1)
    raise AssertionError(f"the server did not recover within {RECOVER_WITHIN_SECONDS}s")


def assert_every_call_succeeds(client: httpx.Client) -> None:
    for name, call in CALLS.items():
        response = call(client)
        assert response.status_code in (200, 201), (name, response.status_code, response.text)


def write_until(url: str, stop: threading.Event, statuses: list[int]) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        for number in itertools.count():
            if stop.is_set():
                return
            body = {"last_indexed_document_count": number}
            statuses.append(client.put("/_connector/outage/_last_sync", json=body).status_code)


def wait_for_status(statuses: list[int], status: int, after: int) -> None:
    deadline = time.monotonic() + RECOVER_WITHIN_SECONDS
    while status not in statuses[after:]:
        assert time.monotonic() < deadline, f"no {status} within {RECOVER_WITHIN_SECONDS}s: {statuses[after:]}"
        time.sleep(0.01)


def cut_while_writing(proxy: TcpProxy, url: str) -> list[int]:
    """Drop the database under WRITERS concurrent writers until one gets a 503, restore it until one
    gets a 200, three times; every status the writers saw."""
    stop, statuses = threading.Event(), list[int]()
    with ThreadPoolExecutor(WRITERS) as pool:
        writers = [pool.submit(write_until, url, stop, statuses) for _ in range(WRITERS)]
        try:
            for _ in range(3):
                wait_for_status(statuses, 200, after=len(statuses))
                proxy.drop()
                wait_for_status(statuses, 503, after=len(statuses))
                proxy.forward()
        finally:
            stop.set()
            for writer in writers:
                writer.result()
    return statuses


def test_dropped_and_refused_database_gives_503_then_recovers_without_restart(
    proxied: tuple[TcpProxy, Served],
) -> None:
    proxy, instance = proxied
    with httpx.Client(base_url=instance.url, timeout=30) as client:
        created = client.put("/_connector/outage", json={"index_name": "search-outage", "service_type": "custom"})
        assert created.status_code == 201, created.text
        assert_every_call_succeeds(client)

        proxy.drop()
        assert_every_call_unavailable(client)
        proxy.forward()
        wait_until_answering(client)
        assert_every_call_succeeds(client)

        proxy.refuse()
        assert_every_call_unavailable(client)
        proxy.forward()
        wait_until_answering(client)
        assert_every_call_succeeds(client)

        assert client.get("/_connector/outage").json()["last_sync_error"] == "down"

    statuses = cut_while_writing(proxy, instance.url)
    assert set(statuses) <= {200, 503}, statuses
    assert instance.process.poll() is None
    assert " 500 " not in instance.output() and "Traceback" not in instance.output()
