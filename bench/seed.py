"""Test data, created through the HTTP API before any timed run (the same path users take).

Every connector gets its own index name, as real ones have: sync jobs can only be created for
a connector with one, and the list page sorts by it.

Plain `http.client` keep-alive connections on a few threads: the server is the bottleneck,
and the bench then needs nothing beyond the standard library and wrk.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Lock

SEED_CONNECTIONS = 8


class SeedFailed(RuntimeError):
    """The server refused to create a connector."""


def connector_fields(number: int) -> dict[str, str]:
    return {"name": f"Bench connector {number}", "service_type": "google_drive", "index_name": f"search-{number}"}


def connector_body(number: int) -> bytes:
    return json.dumps(connector_fields(number)).encode()


def seed_connectors(host: str, port: int, count: int, prefix: str, start: int = 0) -> None:
    """PUT /_connector/<prefix><n> for n in start..count-1."""
    numbers = _SharedCounter(start, count)
    with ThreadPoolExecutor(SEED_CONNECTIONS) as pool:
        for future in [pool.submit(_create_all, host, port, numbers, prefix) for _ in range(SEED_CONNECTIONS)]:
            future.result()


def _create_all(host: str, port: int, numbers: _SharedCounter, prefix: str) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Content-Type": "application/json"}
    try:
        for number in numbers:
            connection.request("PUT", f"/_connector/{prefix}{number}", connector_body(number), headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status not in (200, 201):
                raise SeedFailed(f"PUT /_connector/{prefix}{number} answered {response.status}: {answer!r}")
    finally:
        connection.close()


class _SharedCounter:
    """start, start+1, ... count-1, handed out once each across threads."""

    def __init__(self, start: int, count: int) -> None:
        self._next = start
        self._count = count
        self._lock = Lock()

    def __iter__(self) -> Iterator[int]:
        while True:
            with self._lock:
                number, self._next = self._next, self._next + 1
            if number >= self._count:
                return
            yield number
