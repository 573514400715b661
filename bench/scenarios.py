"""What the bench measures, as data: targets (the ceiling and each storage) and endpoints.

A later benchmark adds storages (PostgreSQL, MariaDB) to `STORAGES` and endpoints (a GET, a
list page, a sync-job POST) to `ENDPOINTS`; the runner and the report take them as they come.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"

CONNECTOR_COUNT = 10_000
CONNECTOR_ID_PREFIX = "bench-"
CONCURRENCY = (1, 16)
TARGET_CONCURRENCY = 16
"""Issue 2's ratio targets apply at this many connections."""

CEILING = "ceiling"


@dataclass(frozen=True, slots=True)
class Probe:
    """One request that shows, by its answer, why a run had errors."""

    method: str
    path: str
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    name: str
    label: str
    script: Path
    probe: Probe

    def script_args(self) -> tuple[str, ...]:
        return (str(CONNECTOR_COUNT), CONNECTOR_ID_PREFIX)


@dataclass(frozen=True, slots=True)
class Target:
    """A server to measure: the framework ceiling, or `connector-api serve` on one storage."""

    name: str
    storage_url: Callable[[Path], str] | None
    """Builds the storage URL inside a fresh work directory; None for the ceiling."""
    minimum_ratio: float | None = None
    """Issue 2's target: this fraction of the ceiling's req/s at `TARGET_CONCURRENCY`."""

    @property
    def is_ceiling(self) -> bool:
        return self.storage_url is None


LAST_SYNC = Endpoint(
    "last_sync",
    "PUT /_connector/<id>/_last_sync",
    BENCH_DIR / "last_sync.lua",
    Probe("PUT", f"/_connector/{CONNECTOR_ID_PREFIX}0/_last_sync", b'{"last_indexed_document_count": 1}'),
)
ENDPOINTS = (LAST_SYNC,)

CEILING_TARGET = Target(CEILING, None)
STORAGES = {
    "memory": Target("memory", lambda _workdir: "memory://", minimum_ratio=0.85),
    "sqlite": Target("sqlite", lambda workdir: f"sqlite:///{workdir / 'bench.db'}", minimum_ratio=0.70),
}
