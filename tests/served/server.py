"""Run `connector-api serve` as a real subprocess on a free port, and stop it cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


@dataclass(frozen=True)
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def command() -> list[str]:
    """The installed console script beside this interpreter, else `python -m app`."""
    script = Path(sys.executable).with_name("connector-api")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app"]


def server_environment() -> dict[str, str]:
    """This process's environment without any CONNECTOR_API_* settings, which would leak in."""
    return {name: value for name, value in os.environ.items() if not name.startswith("CONNECTOR_API_")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def run_serve(directory: Path, *options: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """`serve` expected to exit by itself (a refused configuration); its status and output."""
    return subprocess.run(
        [*command(), "serve", "--port", str(free_port()), *options],
        cwd=directory, env=server_environment(), capture_output=True, text=True, timeout=timeout, check=False,
    )


@contextmanager
def serving(directory: Path, *options: str, auth: tuple[str, str] | None = None) -> Iterator[Served]:
    """`connector-api serve` on a free port from `directory`, answering `GET /` when this yields.

    `auth`: the user and password `GET /` needs when the options turn authentication on.
    """
    port = free_port()
    log = directory / f"serve-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command(), "serve", "--port", str(port), *options],
            cwd=directory, env=server_environment(), stdout=output, stderr=subprocess.STDOUT,
        )
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_answering(served, auth=auth)
        yield served
    finally:
        stop(process)


def wait_until_answering(
    served: Served, timeout: float = START_TIMEOUT, auth: tuple[str, str] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"serve exited with status {served.process.returncode}:\n{served.output()}")
        try:
            if httpx.get(served.url + "/", timeout=2, auth=auth).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"serve did not answer GET / within {timeout}s:\n{served.output()}")


def stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM (a graceful shutdown), then SIGKILL if it takes too long; the exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
