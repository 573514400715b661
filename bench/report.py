"""The figures behind the report: ratios to the ceiling, scale-out, list scaling, and issue 7's verdicts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.procfs import TreeMemory
from bench.runner import TargetRun
from bench.scaling import ListPoint
from bench.scenarios import (
    CEILING,
    LAST_SYNC,
    LIST_MAXIMUM_RATIO,
    SCALE_OUT_MINIMUM_RATIO,
    TARGET_CONCURRENCY,
)
from bench.startup import StartupResult

STARTUP_TARGET_S = 1.0
WORKER_RSS_TARGET_BYTES = 100_000_000
MB = 1_000_000


@dataclass(frozen=True, slots=True)
class Row:
    target: str
    endpoint: str
    connections: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us_per_request: float
    ratio: float | None
    minimum_ratio: float | None
    verdict: str


def rows_of(runs: Sequence[TargetRun]) -> list[Row]:
    """One row per measurement, its ratio taken against the ceiling at the same endpoint and concurrency."""
    ceiling = _rates(run for run in runs if run.target.name == CEILING)
    rows = []
    for run in runs:
        for m in run.measurements:
            reference = ceiling.get((m.endpoint, m.connections))
            ratio = m.load.requests_per_second / reference if reference else None
            judged = m.connections == TARGET_CONCURRENCY and m.endpoint == LAST_SYNC.name
            minimum = run.target.minimum_ratio if judged else None
            rows.append(
                Row(
                    run.target.name, m.endpoint, m.connections, m.load.requests_per_second,
                    m.load.p50_ms, m.load.p99_ms, m.load.errors, m.cpu_us_per_request, ratio, minimum,
                    verdict(ratio, minimum, m.load.errors),
                )
            )  # fmt: skip
    return rows


def _rates(runs: Iterable[TargetRun]) -> dict[tuple[str, int], float]:
    return {(m.endpoint, m.connections): m.load.requests_per_second for run in runs for m in run.measurements}


def verdict(ratio: float | None, minimum: float | None, errors: int) -> str:
    if errors:
        return "INVALID (errors)"
    if ratio is None or minimum is None:
        return ""
    return "pass" if ratio >= minimum else "MISS"


@dataclass(frozen=True, slots=True)
class ScaleOutRow:
    storage: str
    endpoint: str
    connections: int
    one_worker_rps: float
    two_workers_rps: float
    ratio: float
    minimum_ratio: float | None
    verdict: str


def scale_out_rows(runs: Sequence[TargetRun]) -> list[ScaleOutRow]:
    """Each many-worker target against its one-worker twin, per endpoint and concurrency."""
    by_name = {run.target.name: run for run in runs}
    rows = []
    for run in runs:
        single = by_name.get(run.target.scale_out_of or "")
        if single is None:
            continue
        one = _rates([single])
        for m in run.measurements:
            base = one.get((m.endpoint, m.connections))
            if not base:
                continue
            ratio = m.load.requests_per_second / base
            judged = m.connections == TARGET_CONCURRENCY and m.endpoint == LAST_SYNC.name
            minimum = SCALE_OUT_MINIMUM_RATIO if judged else None
            errors = m.load.errors + _errors(single, m.endpoint, m.connections)
            rows.append(
                ScaleOutRow(
                    single.target.name, m.endpoint, m.connections, base, m.load.requests_per_second, ratio,
                    minimum, verdict(ratio, minimum, errors),
                )
            )  # fmt: skip
    return rows


def _errors(run: TargetRun, endpoint: str, connections: int) -> int:
    return sum(m.load.errors for m in run.measurements if (m.endpoint, m.connections) == (endpoint, connections))


@dataclass(frozen=True, slots=True)
class ListRow:
    target: str
    connectors: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    errors: int
    ratio_to_smallest: float | None
    """This size's p50 over the smallest size's p50, on the same storage."""
    maximum_ratio: float | None
    verdict: str


def list_rows(points: Sequence[ListPoint]) -> list[ListRow]:
    smallest: dict[str, ListPoint] = {}
    largest: dict[str, int] = {}
    for point in points:
        if point.target not in smallest or point.connectors < smallest[point.target].connectors:
            smallest[point.target] = point
        largest[point.target] = max(largest.get(point.target, 0), point.connectors)
    rows = []
    for point in points:
        base = smallest[point.target].load.p50_ms
        ratio = point.load.p50_ms / base if base else None
        judged = point.connectors == largest[point.target] and point is not smallest[point.target]
        maximum = LIST_MAXIMUM_RATIO if judged else None
        if point.load.errors:
            passed = "INVALID (errors)"
        elif maximum is None or ratio is None:
            passed = ""
        else:
            passed = "pass" if ratio <= maximum else "MISS"
        load = point.load
        rows.append(
            ListRow(
                point.target, point.connectors, load.requests_per_second, load.p50_ms, load.p99_ms, load.mean_ms,
                load.errors, ratio, maximum, passed,
            )
        )  # fmt: skip
    return rows


@dataclass(frozen=True, slots=True)
class Results:
    """Everything one bench run measured."""

    context: dict[str, Any]
    runs: Sequence[TargetRun]
    list_points: Sequence[ListPoint] = ()
    startup: Sequence[StartupResult] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    """One of issue 7's targets: what was measured, against what, and whether it was met."""

    what: str
    measured: str
    target: str
    verdict: str


def verdicts(results: Results) -> list[Verdict]:
    found = [
        Verdict(f"`_last_sync` on {row.target}, c={row.connections}", f"{row.ratio or 0:.2f} of the ceiling",
                f"≥ {row.minimum_ratio:.2f}", row.verdict)
        for row in rows_of(results.runs) if row.minimum_ratio is not None
    ]  # fmt: skip
    found += [
        Verdict(f"{row.storage}, 2 workers vs 1, `{row.endpoint}` c={row.connections}", f"{row.ratio:.2f}×",
                f"≥ {row.minimum_ratio:.1f}×", row.verdict)
        for row in scale_out_rows(results.runs) if row.minimum_ratio is not None
    ]  # fmt: skip
    found += [
        Verdict(f"list page on {row.target} at {row.connectors:,} connectors", f"{row.ratio_to_smallest or 0:.2f}× "
                "the smallest size's p50", f"≤ {row.maximum_ratio:.1f}×", row.verdict)
        for row in list_rows(results.list_points) if row.maximum_ratio is not None
    ]  # fmt: skip
    found += [
        Verdict(f"first answer, {result.label}", f"{result.median_s:.2f} s", f"< {STARTUP_TARGET_S:.0f} s",
                "pass" if result.median_s < STARTUP_TARGET_S else "MISS")
        for result in results.startup
    ]  # fmt: skip
    found += [
        Verdict(f"RSS per worker, {run.target.name} after load", f"{largest_worker(run.memory_loaded) / MB:.0f} MB",
                f"< {WORKER_RSS_TARGET_BYTES // MB} MB", rss_verdict(run.memory_loaded))
        for run in results.runs if not run.target.is_ceiling
    ]  # fmt: skip
    return found


def largest_worker(memory: TreeMemory) -> int:
    return max((process.rss_bytes for process in memory.workers), default=0)


def rss_verdict(memory: TreeMemory) -> str:
    return "pass" if 0 < largest_worker(memory) < WORKER_RSS_TARGET_BYTES else "MISS"
