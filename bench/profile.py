"""Optional (`--profile`): where a server's time goes under load, sampled by py-spy.

The profiled run is an extra one after the timed runs, so sampling never touches the figures.
py-spy writes folded stacks (`thread (tid): name;frame;frame;... count`, all threads, frames
as `function (package/module.py:line)`); the summary gives each thread's share of the samples,
the share of each package in the innermost frames (where the CPU actually was), and the
project's own functions most often on the stack.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PY_SPY_INSTALL = ".venv/bin/pip install py-spy"
SAMPLES_PER_SECOND = 200
PROJECT_PACKAGES = frozenset({"app", "storage", "config", "migrations", "bench"})
ENTRY_POINTS = frozenset({"app/cli.py", "app/__main__.py"})
"""Left out of the project's functions: serving in-process, their frames sit under every request."""

Shares = tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class ProfileSummary:
    threads: Shares
    packages: Shares
    """Innermost frame's package (first path component), i.e. self time."""
    project_functions: Shares
    """Functions of the project's own packages, by share of samples with them on the stack."""


def require_py_spy() -> str:
    path = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if path is None:
        raise SystemExit(f"bench: --profile needs py-spy; install it with:\n    {PY_SPY_INSTALL}")
    return path


def start_sampling(py_spy: str, pid: int, duration_s: float, output: Path) -> subprocess.Popen[bytes]:
    command = [
        py_spy, "record", "--pid", str(pid), "--duration", str(max(1, round(duration_s))),
        "--rate", str(SAMPLES_PER_SECOND), "--format", "raw", "--threads", "--nonblocking", "--output", str(output),
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def summarise(folded: str, count: int = 12) -> ProfileSummary:
    threads: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    total = 0
    for thread, frames, samples in _stacks(folded):
        total += samples
        threads[thread] += samples
        packages[_package(frames[-1]) if frames else "(idle)"] += samples
        for function in {_function(frame) for frame in frames if _is_project_code(frame)}:
            functions[function] += samples

    def shares(counter: Counter[str]) -> Shares:
        return tuple((name, samples / total) for name, samples in counter.most_common(count)) if total else ()

    return ProfileSummary(shares(threads), shares(packages), shares(functions))


def _stacks(folded: str) -> Iterator[tuple[str, list[str], int]]:
    for line in folded.splitlines():
        stack, _, samples = line.rpartition(" ")
        if stack and samples.isdigit():
            first, *frames = stack.split(";")
            thread = first.partition(": ")[2] if first.startswith("thread (") else "?"
            yield thread, frames if thread != "?" else [first, *frames], int(samples)


def _location(frame: str) -> str:
    return frame.rpartition(" (")[2].rstrip(")").rsplit(":", 1)[0]


def _package(frame: str) -> str:
    return _location(frame).split("/", 1)[0].removesuffix(".py")


def _is_project_code(frame: str) -> bool:
    return _package(frame) in PROJECT_PACKAGES and _location(frame) not in ENTRY_POINTS


def _function(frame: str) -> str:
    """`update_document (storage/documents.py:80)` → `update_document (storage/documents.py)`."""
    return f"{frame.rpartition(' (')[0]} ({_location(frame)})"
