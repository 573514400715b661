"""The bench's pieces work: wrk output parsing, ratios and verdicts, Markdown, RSS, and its servers.

Nothing here asserts speed; the served tests only check that the scripts drive the endpoints
without errors (they need `wrk`, and are skipped without it).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import orjson
import pytest

from bench.__main__ import build_parser
from bench.load import LoadFailed, LoadResult, parse_wrk_output, run_wrk, wrk_command
from bench.procfs import TreeMemory, parse_cpu_ticks, parse_parent_pid, tree_memory
from bench.profile import summarise
from bench.report import load_table, rows_of
from bench.runner import Measurement, TargetRun
from bench.scenarios import CEILING_TARGET, LAST_SYNC, STORAGES
from bench.seed import seed_connectors
from bench.servers import HOST, answer_to, ceiling_command, default_serve_command, free_port, serve_command, serving

WRK_STDOUT = """Running 1s test @ http://127.0.0.1:9200
  1 threads and 16 connections
BENCH_RESULT {"requests":2000,"duration_us":1000000,"bytes":180000,"p50_us":6500,"p99_us":12250,\
"mean_us":6800.5,"max_us":30000,"connect_errors":0,"read_errors":1,"write_errors":0,"timeouts":2,"non_2xx":3}
"""

needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install -y wrk)")


def _load(requests_per_second: float, errors: int = 0) -> LoadResult:
    return LoadResult(int(requests_per_second), 1.0, 1.0, 2.0, 1.2, 5.0, errors)


def _run(target_name: str, figures: dict[int, LoadResult]) -> TargetRun:
    target = CEILING_TARGET if target_name == "ceiling" else STORAGES[target_name]
    measurements = tuple(Measurement(target_name, "last_sync", c, load, 0.5) for c, load in figures.items())
    empty = TreeMemory(())
    return TargetRun(target, 0.0, measurements, empty, empty, ())


def test_wrk_result_line_gives_rate_latencies_in_milliseconds_and_all_errors_summed() -> None:
    result = parse_wrk_output(WRK_STDOUT)
    assert (result.requests, result.requests_per_second) == (2000, 2000.0)
    assert (result.p50_ms, result.p99_ms, result.errors) == (6.5, 12.25, 6)


def test_wrk_output_without_result_line_is_an_error() -> None:
    with pytest.raises(LoadFailed, match="no BENCH_RESULT line"):
        parse_wrk_output("Running 1s test\n")


def test_ratios_are_taken_against_the_ceiling_at_the_same_concurrency_and_judged_at_16() -> None:
    runs = [
        _run("ceiling", {1: _load(1000), 16: _load(2000)}),
        _run("memory", {1: _load(500), 16: _load(1800)}),
        _run("sqlite", {1: _load(900), 16: _load(1000)}),
    ]
    rows = {(row.target, row.connections): row for row in rows_of(runs)}
    assert rows["memory", 1].ratio == 0.5 and rows["memory", 1].verdict == ""
    assert rows["memory", 16].ratio == 0.9 and rows["memory", 16].verdict == "pass"
    assert rows["sqlite", 16].ratio == 0.5 and rows["sqlite", 16].verdict == "MISS"
    assert rows["ceiling", 16].ratio == 1.0


def test_a_run_with_errors_is_marked_invalid_whatever_its_ratio() -> None:
    runs = [_run("ceiling", {16: _load(2000)}), _run("memory", {16: _load(2000, errors=3)})]
    assert rows_of(runs)[1].verdict == "INVALID (errors)"


def test_load_table_has_a_header_and_one_row_per_measurement() -> None:
    table = load_table(rows_of([_run("ceiling", {16: _load(2000)}), _run("memory", {16: _load(1800)})]))
    lines = table.splitlines()
    assert len(lines) == 4
    assert lines[3] == "| memory | last_sync | 16 | 1,800 | 1.00 | 2.00 | 0 | 278 | 0.90 | ≥ 0.85 | pass |"


def test_parent_pid_is_read_past_a_command_name_with_spaces_and_parentheses() -> None:
    assert parse_parent_pid("4242 (a (b) c) S 17 4242 4242 0 -1") == 17


def test_cpu_ticks_are_user_plus_system_time() -> None:
    assert parse_cpu_ticks("4242 (a) b) R 1 2 3 4 5 6 7 8 9 10 250 50 0 0") == 300


def test_this_process_alone_is_its_own_worker_with_a_resident_size() -> None:
    memory = tree_memory(os.getpid())
    assert memory.processes[0].pid == os.getpid()
    assert memory.workers[0].rss_bytes > 0


def test_unknown_storage_name_is_refused_by_the_command_line() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--storages", "memory,oracle"])


def _drive(url: str, script_args: tuple[str, ...]) -> LoadResult:
    wrk = shutil.which("wrk")
    assert wrk is not None
    return run_wrk(wrk_command(wrk, url, LAST_SYNC.script, 2, 1, script_args))


@needs_wrk
@pytest.mark.served
def test_last_sync_script_updates_real_connectors_without_errors(tmp_path: Path) -> None:
    port = free_port()
    command = serve_command(default_serve_command(), port, "memory://")
    with serving("memory", command, port, tmp_path / "serve.log") as server:
        seed_connectors(HOST, port, 3, "smoke-")
        result = _drive(server.url, ("3", "smoke-"))
        status, _, body = answer_to(port, "GET", "/_connector/smoke-0", None, limit=100_000).partition(" ")
    assert result.requests > 0 and result.errors == 0
    assert status == "200"
    stored = orjson.loads(body)
    assert stored["last_sync_status"] == "completed" and "processed" in stored["sync_cursor"]


@needs_wrk
@pytest.mark.served
def test_ceiling_answers_the_same_script_without_errors(tmp_path: Path) -> None:
    port = free_port()
    with serving("ceiling", ceiling_command(port), port, tmp_path / "ceiling.log") as server:
        result = _drive(server.url, ("3", "smoke-"))
    assert result.requests > 0 and result.errors == 0


def test_profile_summary_splits_threads_self_time_by_package_and_project_functions() -> None:
    folded = (
        "thread (7): MainThread;serve (app/cli.py:9);run (asyncio/runners.py:10);handle (app/routes/x.py:5);"
        "handle (app/routes/x.py:9);send (h11/_connection.py:3) 3\n"
        "thread (8): sqlite-writer_0;_worker (concurrent/futures/thread.py:1);"
        "_run_batch (storage/sqlite_writer.py:70) 1\n"
    )
    summary = summarise(folded)
    assert dict(summary.threads) == {"MainThread": 0.75, "sqlite-writer_0": 0.25}
    assert dict(summary.packages) == {"h11": 0.75, "storage": 0.25}
    assert dict(summary.project_functions) == {
        "handle (app/routes/x.py)": 0.75,
        "_run_batch (storage/sqlite_writer.py)": 0.25,
    }
