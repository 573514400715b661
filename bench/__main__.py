"""`python -m bench`: every storage and endpoint against the framework ceiling; print and save the report."""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.load import LoadFailed, require_wrk
from bench.markdown import markdown
from bench.plots import write_plots
from bench.profile import require_py_spy
from bench.report import Results
from bench.results import json_document, write_results
from bench.runner import Options, run_targets
from bench.scaling import measure_list_scaling
from bench.scenarios import (
    CEILING_TARGET,
    CONCURRENCY,
    ENDPOINTS,
    LIST_SCALING_STORAGES,
    LIST_SIZES,
    RESULTS_DIR,
    STORAGES,
    Target,
)
from bench.seed import SeedFailed
from bench.servers import ServerFailed, default_serve_command
from bench.startup import StartupResult, measure_startup

FULL: dict[str, Any] = {"duration": 10.0, "warmup": 2.0, "startup_runs": 5, "list_sizes": LIST_SIZES}
QUICK: dict[str, Any] = {"duration": 3.0, "warmup": 1.0, "startup_runs": 3, "list_sizes": LIST_SIZES[:2]}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--duration", type=float, help="seconds per timed run (default 10, 3 with --quick)")
    parser.add_argument("--connections", type=_integers, default=CONCURRENCY, help="comma-separated (default 1,16)")
    parser.add_argument("--quick", action="store_true", help="short runs, for a smoke check")
    parser.add_argument(
        "--storages", type=_names, default=tuple(STORAGES), help=f"comma-separated, of {','.join(STORAGES)}"
    )
    parser.add_argument(
        "--serve-command",
        type=shlex.split,
        default=default_serve_command(),
        help="the server to measure, given --host/--port/--storage (default: this venv's `connector-api serve`)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile each server with py-spy in an extra, untimed run"
    )
    parser.add_argument(
        "--list-sizes",
        type=_integers,
        help=f"connector counts for list latency (default {','.join(map(str, LIST_SIZES))}; 1000,10000 with --quick)",
    )
    parser.add_argument(
        "--list-storages",
        type=_names,
        default=LIST_SCALING_STORAGES,
        help=f"the storages whose list latency is measured by size (default {','.join(LIST_SCALING_STORAGES)})",
    )
    parser.add_argument("--no-list", action="store_true", help="skip list latency by number of connectors")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measurement")
    parser.add_argument(
        "--results", type=Path, default=RESULTS_DIR, help="where to make this run's folder (report, JSON, plots, logs)"
    )
    return parser


def _integers(text: str) -> tuple[int, ...]:
    values = tuple(int(part) for part in text.split(",") if part.strip())
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("expected positive integers, e.g. 1,16")
    return values


def _names(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [name for name in names if name not in STORAGES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown storage {unknown}; choose from {', '.join(STORAGES)}")
    return names


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _bench(args)
    except (ServerFailed, LoadFailed, SeedFailed) as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1


def _bench(args: argparse.Namespace) -> int:
    preset = QUICK if args.quick else FULL
    options = Options(
        duration_s=args.duration or preset["duration"],
        warmup_s=preset["warmup"],
        connections=args.connections,
        serve=tuple(args.serve_command),
        wrk=require_wrk(),
        py_spy=require_py_spy() if args.profile else None,
    )
    storages = [STORAGES[name] for name in args.storages]
    context = _context(options, args.quick)
    folder = args.results / context["started"].replace(":", "")
    log_dir = folder / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        dirs = (Path(directory), log_dir)
        runs = run_targets([CEILING_TARGET, *storages], ENDPOINTS, options, dirs, _say)
        sizes = args.list_sizes or preset["list_sizes"]
        list_targets = [STORAGES[name] for name in args.list_storages]
        list_points = [] if args.no_list else measure_list_scaling(list_targets, sizes, options, dirs, _say)
        startup = [] if args.no_startup else _startup(storages, options, int(preset["startup_runs"]), dirs[0])
    context["load average at end"] = _load_average()
    results = Results(context, runs, list_points, startup)
    document = json_document(results)
    plots = write_plots(document, folder)
    text = markdown(results, [plot.name for plot in plots])
    path = write_results(folder, text, document)
    print("\n" + text)
    print(f"written to {path}, with results.json, {len(plots)} plots and the server logs in {folder}")
    return 0


def _startup(storages: list[Target], options: Options, runs: int, workdir: Path) -> list[StartupResult]:
    _say("start-up: launching each storage's server to its first answer")
    return measure_startup(options.serve, [target for target in storages if target.workers == 1], runs, workdir)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _context(options: Options, quick: bool) -> dict[str, Any]:
    return {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "mode": "quick" if quick else "full",
        "seconds per run": options.duration_s,
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, {_wrk_version(options.wrk)}",
        "load average at start": _load_average(),
    }


def _load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1 / 5 / 15 min)"


def _wrk_version(wrk: str) -> str:
    completed = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    return (completed.stdout or completed.stderr).split(" Copyright")[0].strip()


if __name__ == "__main__":
    sys.exit(main())
