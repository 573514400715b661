"""Start-up time of `connector-api serve` per storage: launch to the first successful `GET /`.

Each storage starts empty once (the first launch applies the migrations), then restarts on
the migrated storage; memory has no schema, so every launch is alike.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench.scenarios import Target
from bench.servers import free_port, launch, provision_storage, serve_command, stop, wait_until_answering


@dataclass(frozen=True, slots=True)
class StartupResult:
    label: str
    seconds: tuple[float, ...]

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)


def measure_startup(serve: Sequence[str], targets: Sequence[Target], runs: int, workdir: Path) -> list[StartupResult]:
    results = []
    for target in targets:
        with ExitStack() as stack:
            storage_url = provision_storage(stack, target, workdir / f"startup-{target.name}")
            seconds = [_first_answer(serve, storage_url, workdir) for _ in range(runs + 1)]
        if storage_url == "memory://":
            results.append(StartupResult(target.name, tuple(seconds)))
        else:
            results.append(StartupResult(f"{target.name}, empty (applies migrations)", tuple(seconds[:1])))
            results.append(StartupResult(f"{target.name}, migrated", tuple(seconds[1:])))
    return results


def _first_answer(serve: Sequence[str], storage_url: str, workdir: Path) -> float:
    port = free_port()
    server = launch("connector-api serve", serve_command(serve, port, storage_url), port, workdir / "startup.log")
    try:
        return wait_until_answering(server)
    finally:
        stop(server)
