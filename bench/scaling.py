"""List latency as the number of connectors grows: one page must cost about the same at every size.

Per storage, one fresh server: seed up to the first size, measure `GET /_connector?size=100`
one request at a time, seed up to the next size, measure again, and so on. Seeding goes
through the HTTP API like the main session's, untimed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench.load import LoadResult, run_wrk, wrk_command
from bench.runner import Options
from bench.scenarios import CONNECTOR_ID_PREFIX, LIST_CONNECTIONS, LIST_CONNECTORS, Target
from bench.seed import seed_connectors
from bench.servers import HOST, free_port, provision_storage, serve_command, serving

WARMUP_S = 1.0

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ListPoint:
    target: str
    connectors: int
    load: LoadResult
    seed_s: float
    """Seconds it took to seed up to this size from the previous one."""


def measure_list_scaling(
    targets: Sequence[Target], sizes: Sequence[int], options: Options, dirs: tuple[Path, Path], say: Say
) -> list[ListPoint]:
    """`dirs` are a scratch directory for data and one for server logs."""
    return [point for target in targets for point in _scale(target, sorted(sizes), options, dirs, say)]


def _scale(
    target: Target, sizes: Sequence[int], options: Options, dirs: tuple[Path, Path], say: Say
) -> list[ListPoint]:
    workdir, log_dir = dirs
    points = []
    with ExitStack() as stack:
        storage_url = provision_storage(stack, target, workdir / f"list-{target.name}")
        port = free_port()
        command = serve_command(options.serve, port, storage_url, target.workers)
        server = stack.enter_context(serving(target.name, command, port, log_dir / f"list-{target.name}.log"))
        seeded = 0
        for size in sizes:
            started = time.perf_counter()
            seed_connectors(HOST, port, size, CONNECTOR_ID_PREFIX, start=seeded)
            seed_s, seeded = time.perf_counter() - started, size
            run_wrk(_list_command(server.url, options, WARMUP_S))
            load = run_wrk(_list_command(server.url, options, options.duration_s))
            points.append(ListPoint(target.name, size, load, seed_s))
            errors = f", {load.errors} errors" if load.errors else ""
            say(
                f"{target.name}: list at {size:,} connectors (seeded in {seed_s:.0f} s): "
                f"p50 {load.p50_ms:.2f} ms, p99 {load.p99_ms:.2f} ms{errors}"
            )
    return points


def _list_command(url: str, options: Options, duration_s: float) -> list[str]:
    return wrk_command(
        options.wrk, url, LIST_CONNECTORS.script, LIST_CONNECTIONS, duration_s, LIST_CONNECTORS.script_args()
    )
