"""The load generator: `wrk` in its own process, keep-alive connections, one Lua script per endpoint."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

RESULT_MARKER = "BENCH_RESULT "
WRK_INSTALL = "apt-get update && apt-get install -y wrk"
WRK_THREADS = 1
"""One wrk thread keeps up with a single Python worker and leaves the other core to the server."""
WRK_TIMEOUT_SECONDS = 10


class LoadFailed(RuntimeError):
    """wrk could not run, or printed no result line."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    errors: int
    """Connect, read and write errors, timeouts and non-2xx answers, all together."""

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


def require_wrk() -> str:
    """The path of `wrk`, or exit with the command that installs it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(f"bench: wrk is not installed; install it with:\n    {WRK_INSTALL}")
    return path


def wrk_command(
    wrk: str, url: str, script: Path, connections: int, duration_s: float, script_args: Sequence[str]
) -> list[str]:
    return [
        wrk, f"-t{min(WRK_THREADS, connections)}", f"-c{connections}", f"-d{max(1, round(duration_s))}s",
        f"--timeout={WRK_TIMEOUT_SECONDS}s", "-s", str(script), url, "--", *script_args,
    ]  # fmt: skip


def run_wrk(command: Sequence[str]) -> LoadResult:
    completed = subprocess.run(list(command), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise LoadFailed(f"wrk exited with status {completed.returncode}: {completed.stderr.strip()}")
    return parse_wrk_output(completed.stdout)


def parse_wrk_output(stdout: str) -> LoadResult:
    """The figures from the line that bench/report.lua's `done()` prints."""
    for line in stdout.splitlines():
        if line.startswith(RESULT_MARKER):
            return _from_fields(json.loads(line.removeprefix(RESULT_MARKER)))
    raise LoadFailed(f"wrk printed no {RESULT_MARKER.strip()} line:\n{stdout}")


def _from_fields(fields: dict[str, float]) -> LoadResult:
    error_keys = ("connect_errors", "read_errors", "write_errors", "timeouts", "non_2xx")
    return LoadResult(
        requests=int(fields["requests"]),
        duration_s=fields["duration_us"] / 1e6,
        p50_ms=fields["p50_us"] / 1000,
        p99_ms=fields["p99_us"] / 1000,
        mean_ms=fields["mean_us"] / 1000,
        max_ms=fields["max_us"] / 1000,
        errors=int(sum(fields[key] for key in error_keys)),
    )
