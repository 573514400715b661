"""Prometheus metrics (`prometheus_client`): requests per route and status, and storage errors.

- `connector_api_http_request_duration_seconds{endpoint, method, status}`: a histogram of
  request latency; its `_count` series is the request count. `endpoint` is the route's name
  (`connectors.get_connector`), never the raw path, so ids cannot multiply the series;
  requests no route matched are `endpoint="none"`.
- `connector_api_storage_errors_total{type}`: storage failures that reached a client as a 5xx
  or turned the health red, by the storage error's class.

Several worker processes: `prometheus_client`'s multiprocess mode, chosen when
`PROMETHEUS_MULTIPROC_DIR` is set before the workers start (`connector-api serve --workers N`
sets it to a fresh directory and removes it on exit, see `multiprocess_directory`). Each worker
then writes its samples to its own memory-mapped file there, and a scrape answered by any
worker adds up all of them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    multiprocess,
)
from prometheus_client.exposition import choose_encoder

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "none"
"""The `endpoint` of a request no route matched (404, 405)."""
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
"""Methods kept as they are in the `method` label; any other is `other`, so clients cannot add series."""
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, float("inf"))
"""Seconds: most requests take well under a millisecond on memory and a few on a database."""


class Metrics:
    """One app's metrics. In multiprocess mode the samples live in files, not in this registry."""

    def __init__(self) -> None:
        self.multiprocess = MULTIPROC_ENV in os.environ
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "connector_api_http_request_duration_seconds",
            "Time from a request's arrival to the end of its response, by route name, method and status.",
            ("endpoint", "method", "status"),
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.storage_errors = Counter(
            "connector_api_storage_errors_total",
            "Storage failures answered with a 5xx or seen by the health check, by error class.",
            ("type",),
            registry=self.registry,
        )
        self.storage_errors.labels("StorageUnavailable")
        if not self.multiprocess:
            for collector in (ProcessCollector, PlatformCollector, GCCollector):
                collector(registry=self.registry)
        self._children: dict[tuple[str | None, str, int], Any] = {}

    def observe_request(self, endpoint: str | None, method: str, status: int, seconds: float) -> None:
        """Count one request; the labelled child is looked up once per (endpoint, method, status)."""
        key = (endpoint, method if method in METHODS else "other", status)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = self.requests.labels(endpoint or UNMATCHED, key[1], str(status))
        child.observe(seconds)

    def count_storage_error(self, error: BaseException) -> None:
        self.storage_errors.labels(type(error).__name__).inc()

    def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """The samples and their content type, in the format `accept` asks for (Prometheus text,
        or OpenMetrics): this process's, or all workers' in multiprocess mode."""
        encode, content_type = choose_encoder(accept or "")
        if not self.multiprocess:
            return encode(self.registry), content_type
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return encode(registry), content_type


@contextmanager
def multiprocess_directory() -> Iterator[Path]:
    """A `PROMETHEUS_MULTIPROC_DIR` for worker processes started inside this block.

    An operator's directory (the variable already set) is emptied of earlier runs' files, as
    `prometheus_client` requires, and kept; otherwise a fresh temporary one is made, exported,
    and removed with the variable at the end.
    """
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
        yield directory
        return
    directory = Path(tempfile.mkdtemp(prefix="connector-api-metrics-"))
    os.environ[MULTIPROC_ENV] = str(directory)
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)
