"""What the bench measures, as data: the targets (the ceiling and each storage), the endpoints,
the list-scaling sizes and issue 7's targets.

The runner and the report take whatever is listed here: a storage or an endpoint is added by
adding a line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.testing.databases import DatabaseKind

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"

CONNECTOR_COUNT = 10_000
CONNECTOR_ID_PREFIX = "bench-"
CONCURRENCY = (1, 16)
TARGET_CONCURRENCY = 16
"""The ratio targets apply at this many connections."""

LIST_SIZES = (1_000, 10_000, 100_000)
LIST_CONNECTIONS = 1
"""List latency is measured one request at a time: the cost of a page, not of a queue."""
LIST_MAXIMUM_RATIO = 1.5
"""A list page at the largest size must cost at most this multiple of the page at the smallest."""
SCALE_OUT_MINIMUM_RATIO = 1.5
"""Two workers must serve at least this multiple of one worker's requests/s."""

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

    def script_args(self, connector_count: int = CONNECTOR_COUNT) -> tuple[str, ...]:
        return (str(connector_count), CONNECTOR_ID_PREFIX)


@dataclass(frozen=True, slots=True)
class Target:
    """A server to measure: the framework ceiling, or `connector-api serve` on one storage."""

    name: str
    storage_url: Callable[[Path], str] | None
    """Builds the storage URL inside a fresh work directory; None for the ceiling or a database."""
    database: DatabaseKind | None = None
    """The server on which the bench creates a throw-away database for this target."""
    workers: int = 1
    minimum_ratio: float | None = None
    """Issue 7's target for `_last_sync`: this fraction of the ceiling's req/s at `TARGET_CONCURRENCY`."""
    scale_out_of: str | None = None
    """For a many-worker target, the one-worker target it is compared with."""

    @property
    def is_ceiling(self) -> bool:
        return self.storage_url is None and self.database is None


def _endpoint(name: str, label: str, probe: Probe) -> Endpoint:
    return Endpoint(name, label, BENCH_DIR / f"{name}.lua", probe)


LAST_SYNC = _endpoint(
    "last_sync",
    "PUT /_connector/<id>/_last_sync",
    Probe("PUT", f"/_connector/{CONNECTOR_ID_PREFIX}0/_last_sync", b'{"last_indexed_document_count": 1}'),
)
GET_CONNECTOR = _endpoint("get_connector", "GET /_connector/<id>", Probe("GET", f"/_connector/{CONNECTOR_ID_PREFIX}0"))
LIST_CONNECTORS = _endpoint("list_connectors", "GET /_connector?size=100", Probe("GET", "/_connector?size=100"))
POST_SYNC_JOB = _endpoint(
    "post_sync_job",
    "POST /_connector/_sync_job",
    Probe("POST", "/_connector/_sync_job", f'{{"id": "{CONNECTOR_ID_PREFIX}0"}}'.encode()),
)
ENDPOINTS = (LAST_SYNC, GET_CONNECTOR, LIST_CONNECTORS, POST_SYNC_JOB)
ENDPOINTS_BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}
"""`_last_sync` carries the ratio targets; the others are measured against the ceiling's same route."""

CEILING_TARGET = Target(CEILING, None)
STORAGES = {
    "memory": Target("memory", lambda _workdir: "memory://", minimum_ratio=0.9),
    "sqlite": Target("sqlite", lambda workdir: f"sqlite:///{workdir / 'bench.db'}", minimum_ratio=0.8),
    "postgres": Target("postgres", None, database="postgres", minimum_ratio=0.5),
    "postgres-2w": Target("postgres-2w", None, database="postgres", workers=2, scale_out_of="postgres"),
    "mariadb": Target("mariadb", None, database="mariadb"),
}
LIST_SCALING_STORAGES = ("memory", "sqlite", "postgres")
"""MariaDB is left out by default: seeding 100 000 connectors through its API took over 45 minutes
here (add it with `--list-storages`)."""
