"""Start the servers under test, each in its own process group, wait for them, stop them."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.testing.databases import DatabaseUnavailable, throwaway_database
from bench.scenarios import Target

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


class ServerFailed(RuntimeError):
    """A server exited or never answered; the message ends with the tail of its log."""


@dataclass(slots=True)
class RunningServer:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    launched_at: float

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def default_serve_command() -> list[str]:
    """`connector-api serve` from the interpreter's own environment (the project's venv)."""
    return [str(Path(sys.executable).parent / "connector-api"), "serve"]


def serve_command(base: Sequence[str], port: int, storage_url: str, workers: int = 1) -> list[str]:
    command = [*base, "--host", HOST, "--port", str(port), "--storage", storage_url]
    return command if workers == 1 else [*command, "--workers", str(workers)]


def provision_storage(stack: ExitStack, target: Target, workdir: Path) -> str:
    """The storage URL for `target`: in `workdir`, or a throw-away database dropped when `stack` closes."""
    if target.database is not None:
        try:
            return stack.enter_context(throwaway_database(target.database, prefix="connector_api_bench"))
        except DatabaseUnavailable as error:
            raise ServerFailed(f"{target.name}: {error}; start the server or leave it out with --storages") from None
    if target.storage_url is None:
        raise ValueError(f"{target.name} has no storage")
    workdir.mkdir(parents=True, exist_ok=True)
    return target.storage_url(workdir)


def ceiling_command(port: int) -> list[str]:
    """Hypercorn's own uvloop worker in one process (`--workers 0`), as `serve` runs one worker."""
    return [
        sys.executable, "-m", "hypercorn", "--workers", "0", "--worker-class", "uvloop",
        "--bind", f"{HOST}:{port}", "bench.ceiling:app",
    ]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def launch(name: str, command: Sequence[str], port: int, log_path: Path) -> RunningServer:
    with log_path.open("wb") as log:
        launched_at = time.perf_counter()
        try:
            process = _spawn(command, log)
        except OSError as error:
            raise ServerFailed(f"cannot start {name} ({' '.join(command)}): {error}") from None
    return RunningServer(name, process, port, log_path, launched_at)


def _spawn(command: Sequence[str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        list(command),
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_until_answering(server: RunningServer, timeout: float = READY_TIMEOUT) -> float:
    """Seconds from launch to the first 200 on `GET /`."""
    deadline = server.launched_at + timeout
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(f"{server.name} exited with status {server.process.returncode}{log_tail(server)}")
        if answers_root(server.port):
            return time.perf_counter() - server.launched_at
        time.sleep(0.005)
    raise ServerFailed(f"{server.name} did not answer GET / within {timeout:.0f} s{log_tail(server)}")


def answers_root(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def answer_to(port: int, method: str, path: str, body: bytes | None, limit: int = 300) -> str:
    """`<status> <body>` of one request, or the connection error, for diagnostics."""
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request(method, path, body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return f"{response.status} {response.read()[:limit].decode(errors='replace')}"
    except OSError as error:
        return f"no answer: {error}"
    finally:
        connection.close()


def stop(server: RunningServer) -> None:
    """SIGTERM to the server's own process group, SIGKILL if it lingers."""
    if server.process.poll() is None:
        _signal_group(server, signal.SIGTERM)
        try:
            server.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            _signal_group(server, signal.SIGKILL)
            server.process.wait()


def _signal_group(server: RunningServer, signum: signal.Signals) -> None:
    try:
        os.killpg(server.process.pid, signum)
    except ProcessLookupError:
        pass


@contextmanager
def serving(name: str, command: Sequence[str], port: int, log_path: Path) -> Iterator[RunningServer]:
    """A launched server that answers `GET /`, stopped on exit."""
    server = launch(name, command, port, log_path)
    try:
        wait_until_answering(server)
        yield server
    finally:
        stop(server)


def log_tail(server: RunningServer, lines: int = 20) -> str:
    try:
        tail = server.log_path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return ""
    return "\n  log " + str(server.log_path) + ":\n    " + "\n    ".join(tail) if tail else ""
