"""The results folder of one run: `report.md`, `results.json`, the PNG plots and the server logs."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.report import (
    STARTUP_TARGET_S,
    WORKER_RSS_TARGET_BYTES,
    Results,
    largest_worker,
    list_rows,
    rows_of,
    scale_out_rows,
    verdicts,
)
from bench.scenarios import TARGET_CONCURRENCY

REPORT = "report.md"
DOCUMENT = "results.json"


def json_document(results: Results) -> dict[str, Any]:
    """Every figure, as `bench.plots` reads it (and anyone comparing runs)."""
    return {
        "context": results.context,
        "target_connections": TARGET_CONCURRENCY,
        "verdicts": [asdict(verdict) for verdict in verdicts(results)],
        "rows": [asdict(row) for row in rows_of(results.runs)],
        "scale_out": [asdict(row) for row in scale_out_rows(results.runs)],
        "list_scaling": [asdict(row) for row in list_rows(results.list_points)],
        "startup": [{"label": r.label, "seconds": list(r.seconds), "median_s": r.median_s} for r in results.startup],
        "startup_target_s": STARTUP_TARGET_S,
        "memory": [
            {
                "target": run.target.name,
                "when": when,
                "total_bytes": memory.total_bytes,
                "largest_worker_bytes": largest_worker(memory),
                "processes": [asdict(process) for process in memory.processes],
            }
            for run in results.runs
            for when, memory in (("started", run.memory_started), ("after seeding and load", run.memory_loaded))
        ],  # fmt: skip
        "worker_rss_target_bytes": WORKER_RSS_TARGET_BYTES,
        "runs": [
            {
                "target": run.target.name,
                "workers": run.target.workers,
                "seed_s": run.seed_s,
                "measurements": [asdict(m) for m in run.measurements],
                "notes": list(run.notes),
                "profile": None if run.profile is None else asdict(run.profile),
            }
            for run in results.runs
        ],
    }


def write_results(directory: Path, markdown_text: str, document: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / DOCUMENT).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    path = directory / REPORT
    path.write_text(markdown_text)
    return path
