"""Start-up time of `connector-api serve`: launch to the first successful `GET /`."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.servers import free_port, launch, serve_command, stop, wait_until_answering


@dataclass(frozen=True, slots=True)
class StartupResult:
    label: str
    seconds: tuple[float, ...]

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)


def measure_startup(serve: Sequence[str], runs: int) -> list[StartupResult]:
    """A fresh SQLite file each run (so migrations run too), then restarts on an existing file."""
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as directory:
        workdir = Path(directory)
        fresh = tuple(_first_answer(serve, f"sqlite:///{workdir / f'fresh-{run}.db'}", workdir) for run in range(runs))
        existing_url = f"sqlite:///{workdir / 'fresh-0.db'}"
        restarts = tuple(_first_answer(serve, existing_url, workdir) for _ in range(runs))
    return [
        StartupResult("fresh SQLite file (applies migrations)", fresh),
        StartupResult("existing SQLite file", restarts),
    ]


def _first_answer(serve: Sequence[str], storage_url: str, workdir: Path) -> float:
    port = free_port()
    server = launch("connector-api serve", serve_command(serve, port, storage_url), port, workdir / "startup.log")
    try:
        return wait_until_answering(server)
    finally:
        stop(server)
