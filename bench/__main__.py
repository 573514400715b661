"""`python -m bench`: measure the hot path against the framework ceiling; print and save the table."""

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
from bench.profile import require_py_spy
from bench.report import json_document, markdown, write_results
from bench.runner import Options, TargetRun, run_targets
from bench.scenarios import CEILING_TARGET, CONCURRENCY, ENDPOINTS, RESULTS_DIR, STORAGES, Target
from bench.seed import SeedFailed
from bench.servers import ServerFailed, default_serve_command
from bench.startup import measure_startup

FULL = {"duration": 10.0, "warmup": 2.0, "startup_runs": 5}
QUICK = {"duration": 3.0, "warmup": 1.0, "startup_runs": 3}


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
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measurement")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where to write the .md and .json")
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
    targets = [CEILING_TARGET, *(STORAGES[name] for name in args.storages)]
    context = _context(options, args.quick)
    stamp = context["started"].replace(":", "")
    log_dir = args.results / f"{stamp}-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    runs = _run_all(targets, options, log_dir)
    startup = [] if args.no_startup else measure_startup(options.serve, int(preset["startup_runs"]))
    context["load average at end"] = _load_average()
    text = markdown(context, runs, startup)
    path = write_results(args.results, stamp, text, json_document(context, runs, startup))
    print("\n" + text)
    print(f"written to {path} (and .json)")
    return 0


def _run_all(targets: Sequence[Target], options: Options, log_dir: Path) -> list[TargetRun]:
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        return run_targets(targets, ENDPOINTS, options, (Path(directory), log_dir), _say)


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
