"""Disposable servers for tests: in a background thread (sync and async forms) or a child process.

Each serves on a free loopback port and yields its base URL (`http://127.0.0.1:<port>`),
answering by the time it is yielded, and stops on exit. Settings default to memory storage
in test mode; their `host`, `port` and `workers` are not used. A storage given to the thread
forms is used on the server's own event loop, so it must not be bound to the caller's (memory
storage never is); without one, the app opens the storage its settings name, after bringing
its schema to the newest revision as `connector-api serve` does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from typing import IO

from app import create_app
from app.testing.embedded import LOOPBACK, READY_TIMEOUT, EmbeddedApp, ServerStopped, wait_until_answering
from config.loading import to_environ
from config.settings import Settings
from storage import Storage, open_storage

TEST_SETTINGS = Settings(storage="memory://", test_mode=True)
STOP_TIMEOUT = 10.0


def prepare_storage(url: str) -> None:
    """Check that `url` names a storage, then bring its database to the newest schema (none for `memory://`)."""
    from storage.migrations import upgrade_to_head

    open_storage(url)
    upgrade_to_head(url)


@contextmanager
def serve_in_thread(settings: Settings | None = None, *, storage: Storage | None = None) -> Iterator[str]:
    """Serve the app from a background thread with its own event loop; yield its base URL."""
    settings = settings or TEST_SETTINGS
    if storage is None:
        prepare_storage(settings.storage)
    with EmbeddedApp(create_app(settings, storage)) as embedded:
        yield embedded.serve()


@asynccontextmanager
async def serve_in_background(
    settings: Settings | None = None, *, storage: Storage | None = None
) -> AsyncIterator[str]:
    """`serve_in_thread` for async code: starting and stopping never block the caller's loop."""
    server = serve_in_thread(settings, storage=storage)
    url = await asyncio.to_thread(server.__enter__)
    try:
        yield url
    finally:
        await asyncio.to_thread(server.__exit__, None, None, None)


@contextmanager
def serve_in_subprocess(settings: Settings | None = None, *, timeout: float = READY_TIMEOUT) -> Iterator[str]:
    """Run `connector-api serve` in a child process (full isolation); yield its base URL.

    The port is one the kernel just reported free; the child gets every setting through its
    `CONNECTOR_API_*` environment, so a config file it finds cannot change them.
    """
    settings = replace(settings or TEST_SETTINGS, host=LOOPBACK, port=free_port())
    url = f"http://{LOOPBACK}:{settings.port}"
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "app", "serve"],
            env={**os.environ, **to_environ(settings)},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_answering(url, lambda: child.poll() is None, timeout)
        except (ServerStopped, TimeoutError) as error:
            _stop(child)
            raise ServerStopped(f"{error}; exit status {child.returncode}, output: {_tail(log)}") from None
        try:
            yield url
        finally:
            _stop(child)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _tail(log: IO[bytes], lines: int = 20) -> str:
    log.seek(0)
    text = log.read().decode("utf-8", errors="replace").strip()
    return "\n".join(text.splitlines()[-lines:]) or "(none)"
