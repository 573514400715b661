"""The report as Markdown: issue 7's verdicts first, then one table per kind of measurement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bench.procfs import TreeMemory
from bench.report import (
    MB,
    WORKER_RSS_TARGET_BYTES,
    ListRow,
    Results,
    Row,
    ScaleOutRow,
    Verdict,
    largest_worker,
    list_rows,
    rows_of,
    rss_verdict,
    scale_out_rows,
    verdicts,
)
from bench.runner import TargetRun
from bench.scenarios import ENDPOINTS_BY_NAME, LIST_CONNECTIONS, TARGET_CONCURRENCY
from bench.startup import StartupResult


def markdown(results: Results, plots: Sequence[str] = ()) -> str:
    context = results.context
    header = [f"# connector-api bench, {context['started']}", ""]
    header += [f"- {key}: {value}" for key, value in context.items() if key != "started"]
    sections = ["\n".join(header), "## Issue 7's targets\n\n" + verdict_table(verdicts(results))]
    sections.append(
        f"## Throughput and latency (ratios against the ceiling's same route; targets at c={TARGET_CONCURRENCY})\n\n"
        + load_table(rows_of(results.runs))
    )
    scale_out = scale_out_rows(results.runs)
    if scale_out:
        sections.append("## Scale-out: two workers against one\n\n" + scale_out_table(scale_out))
    if results.list_points:
        sections.append(
            f"## List page latency by number of connectors (c={LIST_CONNECTIONS})\n\n"
            + list_table(list_rows(results.list_points))
        )
    if results.startup:
        sections.append("## Start-up\n\n" + startup_table(results.startup))
    sections.append("## Memory (RSS)\n\n" + memory_table(results.runs))
    if any(run.profile for run in results.runs):
        sections.append(
            f"## Profiles (py-spy, an extra untimed `_last_sync` run at c={TARGET_CONCURRENCY})\n\n"
            + profile_section(results.runs)
        )
    notes = [f"- {run.target.name}: {note}" for run in results.runs for note in run.notes]
    if notes:
        sections.append("## Errors\n\n" + "\n".join(notes))
    if plots:
        sections.append("## Plots\n\n" + "\n".join(f"![{name}]({name})" for name in plots))
    return "\n\n".join(sections) + "\n"


def _table(columns: Sequence[str], cells: Iterable[Sequence[str]]) -> str:
    """A Markdown table; a column whose name ends in `>` is right-aligned (the `>` is dropped)."""
    header = "| " + " | ".join(name.removesuffix(">") for name in columns) + " |"
    rule = "|" + "|".join("---:" if name.endswith(">") else "---" for name in columns) + "|"
    return "\n".join([header, rule, *("| " + " | ".join(row) + " |" for row in cells)])


def verdict_table(found: Sequence[Verdict]) -> str:
    cells = ([v.what, v.measured, v.target, v.verdict] for v in found)
    return _table(["target", "measured>", "wanted>", "verdict"], cells)


def load_table(rows: Sequence[Row]) -> str:
    columns = ["target", "endpoint", "connections>", "req/s>", "p50 ms>", "p99 ms>", "errors>", "server CPU µs/req>"]
    columns += ["ratio to ceiling>", "target>", "verdict"]
    return _table(
        columns,
        (
            [row.target, _endpoint(row.endpoint), str(row.connections), f"{row.requests_per_second:,.0f}",
             f"{row.p50_ms:.2f}", f"{row.p99_ms:.2f}", str(row.errors), f"{row.cpu_us_per_request:,.0f}",
             _optional(row.ratio, "{:.2f}", "–"), _optional(row.minimum_ratio, "≥ {:.2f}"), row.verdict]
            for row in rows
        ),
    )  # fmt: skip


def scale_out_table(rows: Sequence[ScaleOutRow]) -> str:
    columns = ["storage", "endpoint", "connections>", "1 worker req/s>", "2 workers req/s>", "ratio>", "target>"]
    return _table(
        [*columns, "verdict"],
        (
            [row.storage, _endpoint(row.endpoint), str(row.connections), f"{row.one_worker_rps:,.0f}",
             f"{row.two_workers_rps:,.0f}", f"{row.ratio:.2f}×", _optional(row.minimum_ratio, "≥ {:.1f}×"),
             row.verdict]
            for row in rows
        ),
    )  # fmt: skip


def list_table(rows: Sequence[ListRow]) -> str:
    columns = ["storage", "connectors>", "req/s>", "p50 ms>", "p99 ms>", "errors>", "p50 / smallest size's>"]
    return _table(
        [*columns, "target>", "verdict"],
        (
            [row.target, f"{row.connectors:,}", f"{row.requests_per_second:,.0f}", f"{row.p50_ms:.2f}",
             f"{row.p99_ms:.2f}", str(row.errors), _optional(row.ratio_to_smallest, "{:.2f}×", "–"),
             _optional(row.maximum_ratio, "≤ {:.1f}×"), row.verdict]
            for row in rows
        ),
    )  # fmt: skip


def startup_table(results: Sequence[StartupResult]) -> str:
    return _table(
        ["connector-api serve, launch to first GET /", "median s>", "runs s"],
        ([r.label, f"{r.median_s:.2f}", ", ".join(f"{seconds:.2f}" for seconds in r.seconds)] for r in results),
    )


def memory_table(runs: Sequence[TargetRun]) -> str:
    columns = ["target", "when", "processes (role: RSS MB)", "total RSS MB>", "largest worker MB>", "target>"]
    cells = [
        _memory_cells(run.target.name, when, memory)
        for run in runs
        for when, memory in (("started", run.memory_started), ("after seeding and load", run.memory_loaded))
    ]
    return _table([*columns, "verdict"], cells)


def _memory_cells(target: str, when: str, memory: TreeMemory) -> list[str]:
    processes = ", ".join(f"{p.role}: {p.rss_bytes / MB:.1f}" for p in memory.processes)
    return [
        target, when, processes, f"{memory.total_bytes / MB:.1f}", f"{largest_worker(memory) / MB:.1f}",
        f"< {WORKER_RSS_TARGET_BYTES // MB} MB", rss_verdict(memory),
    ]  # fmt: skip


def profile_section(runs: Sequence[TargetRun]) -> str:
    """Per profiled target: threads, self time by package, and the project's functions on the stack."""
    blocks = []
    for run in runs:
        if run.profile is not None:
            lines = [f"**{run.target.name}** (folded stacks: `logs/{run.target.name}.folded`)", ""]
            lines.append("- threads: " + _shares(run.profile.threads))
            lines.append("- self time by package: " + _shares(run.profile.packages))
            lines.append("- project code on the stack: " + _shares(run.profile.project_functions, "`"))
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _shares(shares: Sequence[tuple[str, float]], quote: str = "") -> str:
    return ", ".join(f"{quote}{name}{quote} {share:.0%}" for name, share in shares) or "–"


def _optional(value: float | None, template: str, missing: str = "") -> str:
    return missing if value is None else template.format(value)


def _endpoint(name: str) -> str:
    endpoint = ENDPOINTS_BY_NAME.get(name)
    return f"`{endpoint.label}`" if endpoint else name
