"""`python -m bench.harness`: what the test-harness support costs (issue 6's targets).

1. A disposable served instance: `serve_in_thread()` from entering to a first answer, in
   this (warm) process; and `serve_in_subprocess()`, a cold `connector-api serve` process,
   from launch to a first answer. Target: under 1 s.
2. A generated suite of N tests (default 200), each using the per-test fixture through the
   official client (create, read back, list), run by `python -m pytest` in a child process:
   - the per-test fixture's cost, as pytest reports it: setup plus teardown of each test,
     median (the first test's setup, which starts the session's server, is shown apart).
     Target: under 20 ms;
   - the suite's wall time, interpreter start to exit. Target: under 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from app.testing import serve_in_subprocess, serve_in_thread

READY_TARGET_S = 1.0
FIXTURE_TARGET_MS = 20.0
SUITE_TARGET_S = 10.0

SUITE_INI = """[pytest]
asyncio_default_fixture_loop_scope = function
filterwarnings = ignore::elasticsearch.exceptions.GeneralAvailabilityWarning
"""

TIMING_CONFTEST = """
import json, os

phases = {}


def pytest_runtest_logreport(report):
    if report.when in ("setup", "teardown"):
        phases.setdefault(report.nodeid, {})[report.when] = report.duration


def pytest_sessionfinish(session):
    with open(os.environ["HARNESS_PHASES"], "w") as file:
        json.dump(phases, file)
"""

SUITE_TEST = """

def test_connector_{number}(connector_api_client):
    connector_api_client.connector.put(connector_id="c-{number}", name="Connector {number}")
    assert connector_api_client.connector.get(connector_id="c-{number}")["name"] == "Connector {number}"
    assert connector_api_client.connector.list()["count"] == 1
"""


def seconds_to_enter(start: Callable[[], AbstractContextManager[str]], runs: int) -> list[float]:
    """Seconds from entering `start()` until it yields an answering URL, once per run."""
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        with start():
            seconds.append(time.perf_counter() - began)
    return seconds


def write_suite(directory: Path, tests: int) -> None:
    (directory / "pytest.ini").write_text(SUITE_INI)
    (directory / "conftest.py").write_text(TIMING_CONFTEST)
    body = "".join(SUITE_TEST.format(number=number) for number in range(tests))
    (directory / "test_generated.py").write_text(f'"""{tests} tests using the per-test fixture."""\n{body}')


def run_suite(directory: Path) -> tuple[float, dict[str, dict[str, float]], str]:
    """(wall seconds, setup/teardown seconds per test, pytest's summary line) of one child pytest run."""
    phases_path = directory / "phases.json"
    environment = {key: value for key, value in os.environ.items() if key != "CONNECTOR_API_URL"}
    environment["HARNESS_PHASES"] = str(phases_path)
    began = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(directory)],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - began
    summary = (completed.stdout.strip().splitlines() or ["(no output)"])[-1]
    if completed.returncode != 0:
        raise SystemExit(f"the generated suite failed:\n{completed.stdout}\n{completed.stderr}")
    phases: dict[str, dict[str, float]] = json.loads(phases_path.read_text())
    return wall, phases, summary


def verdict(value: float, target: float) -> str:
    return "ok" if value < target else "OVER TARGET"


def report_ready(thread_runs: int, process_runs: int) -> None:
    in_thread = seconds_to_enter(serve_in_thread, thread_runs)
    in_process = seconds_to_enter(serve_in_subprocess, process_runs)
    print("Disposable served instance, start to first answer (target < 1 s)")
    for label, seconds in (("serve_in_thread (warm process)", in_thread), ("serve_in_subprocess (cold)", in_process)):
        median = statistics.median(seconds)
        print(
            f"  {label:<32} median {median * 1000:7.1f} ms  max {max(seconds) * 1000:7.1f} ms  "
            f"({len(seconds)} runs)  {verdict(median, READY_TARGET_S)}"
        )


def report_suite(tests: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-harness-") as name:
        directory = Path(name)
        write_suite(directory, tests)
        wall, phases, summary = run_suite(directory)
    ordered = [phases[node] for node in sorted(phases, key=_test_number)]
    first_setup = ordered[0].get("setup", 0.0)
    per_test = [test.get("setup", 0.0) + test.get("teardown", 0.0) for test in ordered[1:]]
    median_ms = statistics.median(per_test) * 1000
    print(f"Per-test fixture `connector_api_client`, setup + teardown (target < {FIXTURE_TARGET_MS:.0f} ms)")
    print(
        f"  median {median_ms:.2f} ms  p90 {_percentile(per_test, 0.9) * 1000:.2f} ms  "
        f"over {len(per_test)} tests  {verdict(median_ms, FIXTURE_TARGET_MS)}"
    )
    print(f"  first test's setup, which starts the session's in-process server: {first_setup * 1000:.1f} ms")
    print(f"Suite of {tests} tests using the per-test fixture, `python -m pytest` wall time (target < 10 s)")
    print(f"  {wall:.2f} s  ({summary})  {verdict(wall, SUITE_TARGET_S)}")


def _test_number(node_id: str) -> int:
    return int(node_id.rsplit("_", 1)[1])


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.harness", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tests", type=int, default=200, help="tests in the generated suite (default 200)")
    parser.add_argument("--thread-runs", type=int, default=10, help="serve_in_thread runs (default 10)")
    parser.add_argument("--process-runs", type=int, default=5, help="serve_in_subprocess runs (default 5)")
    parser.add_argument("--suite-only", action="store_true", help="only generate and run the suite")
    args = parser.parse_args(argv)
    if not args.suite_only:
        report_ready(args.thread_runs, args.process_runs)
    report_suite(args.tests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
