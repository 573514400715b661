"""The bench's pieces work: wrk output parsing, ratios and verdicts, Markdown, RSS, and its servers.

Nothing here asserts speed; the served tests only check that the scripts drive the endpoints
without errors (they need `wrk`, and are skipped without it).
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from pathlib import Path

import orjson
import pytest

from bench.__main__ import build_parser
from bench.load import LoadFailed, LoadResult, parse_wrk_output, run_wrk, wrk_command
from bench.markdown import load_table, markdown
from bench.procfs import TreeMemory, parse_cpu_ticks, parse_parent_pid, tree_memory
from bench.profile import summarise
from bench.report import Results, list_rows, rows_of, scale_out_rows
from bench.runner import Measurement, TargetRun
from bench.scaling import ListPoint
from bench.scenarios import CEILING_TARGET, ENDPOINTS, STORAGES, Endpoint
from bench.seed import seed_connectors
from bench.servers import (
    HOST,
    answer_to,
    ceiling_command,
    default_serve_command,
    free_port,
    provision_storage,
    serve_command,
    serving,
)

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
    assert lines[3] == (
        "| memory | `PUT /_connector/<id>/_last_sync` | 16 | 1,800 | 1.00 | 2.00 | 0 | 278 | 0.90 | ≥ 0.90 | pass |"
    )


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


def _drive(url: str, endpoint: Endpoint, script_args: tuple[str, ...]) -> LoadResult:
    wrk = shutil.which("wrk")
    assert wrk is not None
    return run_wrk(wrk_command(wrk, url, endpoint.script, 2, 1, script_args))


@needs_wrk
@pytest.mark.served
def test_every_endpoint_script_drives_real_connectors_without_errors(tmp_path: Path) -> None:
    port = free_port()
    command = serve_command(default_serve_command(), port, "memory://")
    with serving("memory", command, port, tmp_path / "serve.log") as server:
        seed_connectors(HOST, port, 3, "smoke-")
        results = {endpoint.name: _drive(server.url, endpoint, ("3", "smoke-")) for endpoint in ENDPOINTS}
        status, _, body = answer_to(port, "GET", "/_connector/smoke-0", None, limit=100_000).partition(" ")
        _, _, jobs = answer_to(port, "GET", "/_connector/_sync_job?size=1", None, limit=100_000).partition(" ")
    assert all(result.requests > 0 and result.errors == 0 for result in results.values()), results
    assert status == "200"
    stored = orjson.loads(body)
    assert stored["last_sync_status"] == "completed" and "processed" in stored["sync_cursor"]
    created = results["post_sync_job"].requests
    assert created <= orjson.loads(jobs)["count"] <= created + 2  # wrk leaves out answers still in flight


@needs_wrk
@pytest.mark.served
def test_ceiling_answers_every_endpoint_script_without_errors(tmp_path: Path) -> None:
    port = free_port()
    with serving("ceiling", ceiling_command(port), port, tmp_path / "ceiling.log") as server:
        results = [_drive(server.url, endpoint, ("3", "smoke-")) for endpoint in ENDPOINTS]
    assert all(result.requests > 0 and result.errors == 0 for result in results)


def test_two_workers_are_judged_against_their_one_worker_twin_on_last_sync_at_16() -> None:
    runs = [
        _run("postgres", {1: _load(300), 16: _load(400)}),
        _run("postgres-2w", {1: _load(330), 16: _load(640)}),
    ]
    rows = {row.connections: row for row in scale_out_rows(runs)}
    assert (rows[1].ratio, rows[1].verdict) == (1.1, "")
    assert (rows[16].ratio, rows[16].minimum_ratio, rows[16].verdict) == (1.6, 1.5, "pass")


def test_list_page_at_the_largest_size_is_judged_against_the_smallest() -> None:
    points = [
        ListPoint("sqlite", 1_000, LoadResult(100, 1.0, 4.0, 9.0, 4.2, 12.0, 0), 1.0),
        ListPoint("sqlite", 10_000, LoadResult(100, 1.0, 4.4, 9.0, 4.6, 12.0, 0), 9.0),
        ListPoint("sqlite", 100_000, LoadResult(100, 1.0, 6.4, 9.0, 6.6, 12.0, 0), 90.0),
    ]
    rows = list_rows(points)
    assert [row.verdict for row in rows] == ["", "", "MISS"]
    assert rows[2].ratio_to_smallest == pytest.approx(1.6)


def test_report_opens_with_every_verdict_and_links_the_plots() -> None:
    runs = [_run("ceiling", {16: _load(2000)}), _run("sqlite", {16: _load(1500)})]
    text = markdown(Results({"started": "2026-01-01T00:00:00"}, runs), ["ratios.png"])
    assert "| `_last_sync` on sqlite, c=16 | 0.75 of the ceiling | ≥ 0.80 | MISS |" in text
    assert text.index("## Issue 7's targets") < text.index("## Throughput")
    assert "![ratios.png](ratios.png)" in text


def test_embedded_storages_get_a_url_inside_the_work_directory(tmp_path: Path) -> None:
    with ExitStack() as stack:
        assert provision_storage(stack, STORAGES["memory"], tmp_path / "m") == "memory://"
        sqlite_url = provision_storage(stack, STORAGES["sqlite"], tmp_path / "s")
    assert sqlite_url == f"sqlite:///{tmp_path / 's' / 'bench.db'}"


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
