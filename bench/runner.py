"""The measuring session: every target served at once, measured in interleaved rounds.

All servers start (and are seeded) first; then each round runs every target at one
concurrency before the next round begins. On a shared machine whose load drifts, a ratio then
compares runs minutes apart at worst by one round, not by a whole target's session. An idle
server costs the others nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import LoadResult, run_wrk, wrk_command
from bench.procfs import TreeMemory, cpu_seconds, tree_memory
from bench.profile import ProfileSummary, start_sampling, summarise
from bench.scenarios import CONNECTOR_COUNT, CONNECTOR_ID_PREFIX, TARGET_CONCURRENCY, Endpoint, Target
from bench.seed import seed_connectors
from bench.servers import (
    HOST,
    RunningServer,
    answer_to,
    ceiling_command,
    free_port,
    provision_storage,
    serve_command,
    serving,
)

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Options:
    duration_s: float
    warmup_s: float
    connections: tuple[int, ...]
    serve: tuple[str, ...]
    wrk: str
    py_spy: str | None = None
    """Set to profile each server in an extra, untimed run at `TARGET_CONCURRENCY`."""


@dataclass(frozen=True, slots=True)
class Measurement:
    target: str
    endpoint: str
    connections: int
    load: LoadResult
    server_cpu_s: float
    """CPU time the server's processes used during the run (all threads)."""

    @property
    def cpu_us_per_request(self) -> float:
        return self.server_cpu_s / self.load.requests * 1e6 if self.load.requests else 0.0


@dataclass(frozen=True, slots=True)
class TargetRun:
    target: Target
    seed_s: float
    measurements: tuple[Measurement, ...]
    memory_started: TreeMemory
    """RSS once the server answers, before any data or load."""
    memory_loaded: TreeMemory
    """RSS after seeding and every run."""
    notes: tuple[str, ...]
    """Why runs had errors: the answer to the endpoint's probe request, and where the server log is."""
    profile: ProfileSummary | None = None
    """Where the time went in the profiled run (`--profile`)."""


@dataclass(slots=True)
class _Session:
    target: Target
    server: RunningServer
    memory_started: TreeMemory
    seed_s: float = 0.0
    measurements: list[Measurement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_targets(
    targets: Sequence[Target], endpoints: Sequence[Endpoint], options: Options, dirs: tuple[Path, Path], say: Say
) -> list[TargetRun]:
    """Measure every target; `dirs` are a scratch directory for data and one for server logs."""
    with ExitStack() as stack:
        sessions = [_start(stack, target, options, dirs, say) for target in targets]
        for endpoint in endpoints:
            rounds = [("warm-up", TARGET_CONCURRENCY, options.warmup_s)]
            rounds += [("timed", connections, options.duration_s) for connections in options.connections]
            for kind, connections, duration_s in rounds:
                for session in sessions:
                    _load(session, endpoint, kind, connections, duration_s, options, say)
        return [_finish(session, endpoints[0], options, dirs[1]) for session in sessions]


def _start(stack: ExitStack, target: Target, options: Options, dirs: tuple[Path, Path], say: Say) -> _Session:
    workdir, log_dir = dirs
    port = free_port()
    if target.is_ceiling:
        command = ceiling_command(port)
    else:
        storage_url = provision_storage(stack, target, workdir / target.name)
        command = serve_command(options.serve, port, storage_url, target.workers)
    server = stack.enter_context(serving(target.name, command, port, log_dir / f"{target.name}.log"))
    session = _Session(target, server, tree_memory(server.process.pid))
    if not target.is_ceiling:
        started = time.perf_counter()
        seed_connectors(HOST, port, CONNECTOR_COUNT, CONNECTOR_ID_PREFIX)
        session.seed_s = time.perf_counter() - started
    say(f"{target.name}: serving on :{port}" + (f", seeded in {session.seed_s:.1f} s" if session.seed_s else ""))
    return session


def _load(
    session: _Session, endpoint: Endpoint, kind: str, connections: int, duration_s: float, options: Options, say: Say
) -> None:
    cpu_before = cpu_seconds(session.server.process.pid)
    load = run_wrk(_command(session.server.url, endpoint, options, connections, duration_s))
    server_cpu_s = cpu_seconds(session.server.process.pid) - cpu_before
    name = session.target.name
    say(f"{name}: {endpoint.name} {kind} c={connections}: {_summary(load)}")
    if load.errors:
        session.notes.append(_diagnose(session.server, endpoint, f"{kind} run at c={connections}", load))
        say(f"{name}: {session.notes[-1]}")
    if kind == "timed":
        session.measurements.append(Measurement(name, endpoint.name, connections, load, server_cpu_s))


def _finish(session: _Session, endpoint: Endpoint, options: Options, log_dir: Path) -> TargetRun:
    memory_loaded = tree_memory(session.server.process.pid)
    profile = _profile(session.server, endpoint, options, log_dir / f"{session.target.name}.folded")
    return TargetRun(
        session.target,
        session.seed_s,
        tuple(session.measurements),
        session.memory_started,
        memory_loaded,
        tuple(session.notes),
        profile,
    )


def _profile(server: RunningServer, endpoint: Endpoint, options: Options, output: Path) -> ProfileSummary | None:
    if options.py_spy is None:
        return None
    sampler = start_sampling(options.py_spy, server.process.pid, options.duration_s, output)
    run_wrk(_command(server.url, endpoint, options, TARGET_CONCURRENCY, options.duration_s))
    sampler.wait()
    return summarise(output.read_text()) if output.exists() else None


def _summary(load: LoadResult) -> str:
    errors = f", {load.errors} errors" if load.errors else ""
    return f"{load.requests_per_second:,.0f} req/s, p50 {load.p50_ms:.2f} ms, p99 {load.p99_ms:.2f} ms{errors}"


def _diagnose(server: RunningServer, endpoint: Endpoint, which: str, load: LoadResult) -> str:
    probe = endpoint.probe
    answer = answer_to(server.port, probe.method, probe.path, probe.body)
    return (
        f"{endpoint.name} {which}: {load.errors} errors in {load.requests} requests; "
        f"then {probe.method} {probe.path} answered `{answer}`; server log: {server.log_path}"
    )


def _command(url: str, endpoint: Endpoint, options: Options, connections: int, duration_s: float) -> list[str]:
    return wrk_command(options.wrk, url, endpoint.script, connections, duration_s, endpoint.script_args())
