"""The results: ratios to the ceiling, verdicts against issue 2's targets, Markdown and JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.procfs import TreeMemory
from bench.runner import TargetRun
from bench.scenarios import CEILING, TARGET_CONCURRENCY
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
    ceiling = {
        (m.endpoint, m.connections): m.load.requests_per_second
        for run in runs
        if run.target.name == CEILING
        for m in run.measurements
    }
    rows = []
    for run in runs:
        for m in run.measurements:
            reference = ceiling.get((m.endpoint, m.connections))
            ratio = m.load.requests_per_second / reference if reference else None
            minimum = run.target.minimum_ratio if m.connections == TARGET_CONCURRENCY else None
            rows.append(
                Row(
                    run.target.name, m.endpoint, m.connections, m.load.requests_per_second,
                    m.load.p50_ms, m.load.p99_ms, m.load.errors, m.cpu_us_per_request, ratio, minimum,
                    verdict(ratio, minimum, m.load.errors),
                )
            )  # fmt: skip
    return rows


def verdict(ratio: float | None, minimum: float | None, errors: int) -> str:
    if errors:
        return "INVALID (errors)"
    if ratio is None or minimum is None:
        return ""
    return "pass" if ratio >= minimum else "MISS"


def load_table(rows: Sequence[Row]) -> str:
    lines = [
        "| target | endpoint | connections | req/s | p50 ms | p99 ms | errors | server CPU µs/req "
        "| ratio to ceiling | target | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        ratio = "–" if row.ratio is None else f"{row.ratio:.2f}"
        minimum = "" if row.minimum_ratio is None else f"≥ {row.minimum_ratio:.2f}"
        lines.append(
            f"| {row.target} | {row.endpoint} | {row.connections} | {row.requests_per_second:,.0f} | "
            f"{row.p50_ms:.2f} | {row.p99_ms:.2f} | {row.errors} | {row.cpu_us_per_request:,.0f} | {ratio} | "
            f"{minimum} | {row.verdict} |"
        )
    return "\n".join(lines)


def startup_table(results: Sequence[StartupResult]) -> str:
    lines = [
        "| connector-api serve, launch to first GET / | median s | runs s | target | verdict |",
        "|---|---:|---|---:|---|",
    ]
    for result in results:
        runs = ", ".join(f"{seconds:.2f}" for seconds in result.seconds)
        passed = "pass" if result.median_s < STARTUP_TARGET_S else "MISS"
        lines.append(f"| {result.label} | {result.median_s:.2f} | {runs} | < {STARTUP_TARGET_S:.0f} s | {passed} |")
    return "\n".join(lines)


def memory_table(runs: Sequence[TargetRun]) -> str:
    lines = [
        "| target | when | processes (role: RSS MB) | total RSS MB | largest worker MB | target | verdict |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for run in runs:
        lines.append(_memory_row(run.target.name, "started", run.memory_started))
        lines.append(_memory_row(run.target.name, "after seeding and load", run.memory_loaded))
    return "\n".join(lines)


def _memory_row(target: str, when: str, memory: TreeMemory) -> str:
    processes = ", ".join(f"{p.role}: {p.rss_bytes / MB:.1f}" for p in memory.processes)
    worker = max((p.rss_bytes for p in memory.workers), default=0)
    passed = "pass" if 0 < worker < WORKER_RSS_TARGET_BYTES else "MISS"
    return (
        f"| {target} | {when} | {processes} | {memory.total_bytes / MB:.1f} | {worker / MB:.1f} | "
        f"< {WORKER_RSS_TARGET_BYTES // MB} MB | {passed} |"
    )


def profile_section(runs: Sequence[TargetRun]) -> str:
    """Per profiled target: threads, self time by package, and the project's functions on the stack."""
    blocks = []
    for run in runs:
        if run.profile is not None:
            lines = [f"**{run.target.name}** (folded stacks: `{run.target.name}.folded` beside the server logs)", ""]
            lines.append("- threads: " + _shares(run.profile.threads))
            lines.append("- self time by package: " + _shares(run.profile.packages))
            lines.append("- project code on the stack: " + _shares(run.profile.project_functions, "`"))
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _shares(shares: Sequence[tuple[str, float]], quote: str = "") -> str:
    return ", ".join(f"{quote}{name}{quote} {share:.0%}" for name, share in shares) or "–"


def markdown(context: dict[str, Any], runs: Sequence[TargetRun], startup: Sequence[StartupResult]) -> str:
    header = [f"# connector-api bench, {context['started']}", ""]
    header += [f"- {key}: {value}" for key, value in context.items() if key != "started"]
    sections = ["\n".join(header), "## Throughput and latency\n\n" + load_table(rows_of(runs))]
    if startup:
        sections.append("## Start-up\n\n" + startup_table(startup))
    sections.append("## Memory (RSS)\n\n" + memory_table(runs))
    if any(run.profile for run in runs):
        sections.append(
            f"## Profiles (py-spy, an extra untimed run at c={TARGET_CONCURRENCY})\n\n" + profile_section(runs)
        )
    notes = [f"- {run.target.name}: {note}" for run in runs for note in run.notes]
    if notes:
        sections.append("## Errors\n\n" + "\n".join(notes))
    return "\n\n".join(sections) + "\n"


def json_document(context: dict[str, Any], runs: Sequence[TargetRun], startup: Sequence[StartupResult]) -> str:
    document = {
        "context": context,
        "rows": [asdict(row) for row in rows_of(runs)],
        "runs": [
            {
                "target": run.target.name,
                "seed_s": run.seed_s,
                "measurements": [asdict(m) for m in run.measurements],
                "memory_started": [asdict(p) for p in run.memory_started.processes],
                "memory_loaded": [asdict(p) for p in run.memory_loaded.processes],
                "notes": list(run.notes),
                "profile": None if run.profile is None else asdict(run.profile),
            }
            for run in runs
        ],
        "startup": [{"label": r.label, "seconds": r.seconds, "median_s": r.median_s} for r in startup],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_results(directory: Path, stamp: str, markdown_text: str, json_text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{stamp}.json").write_text(json_text)
    path = directory / f"{stamp}.md"
    path.write_text(markdown_text)
    return path
