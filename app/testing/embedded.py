"""A Quart app started on its own `LoopThread`: reachable with no socket, and served on demand.

`EmbeddedApp.start()` runs the app's start-up (`before_serving`: the storage is opened) on
the loop thread, the way `app.test_app()` does for a test. Requests then reach the app
through `httpx.ASGITransport` on that loop (`transport`), which keeps the raw path, so ids
with `%2F` route as they do behind Hypercorn. `serve()` also puts it on a free loopback port
with Hypercorn, on the same loop and over the same storage. `stop()` stops serving, runs the
app's shut-down and ends the thread.
"""

from __future__ import annotations

import asyncio
import http.client
import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, cast

import httpx
from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config
from quart import Quart
from quart.typing import TestAppProtocol

from app.testing.loop_thread import LoopThread

LOOPBACK = "127.0.0.1"
READY_TIMEOUT = 10.0
GRACEFUL_TIMEOUT = 1.0
"""Seconds requests in flight get when a served test instance stops."""


class WithoutLifespan:
    """The app for Hypercorn, whose start-up and shut-down the `EmbeddedApp` runs itself."""

    def __init__(self, app: Quart) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        while (await receive())["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})


def listening_socket() -> socket.socket:
    """A TCP socket listening on a free loopback port (the kernel picks it: no race)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((LOOPBACK, 0))
    sock.listen(128)
    return sock


class EmbeddedApp:
    def __init__(self, app: Quart, loop: LoopThread | None = None) -> None:
        self.app = app
        self.loop = loop or LoopThread()
        # Quart declares its ASGI messages as TypedDicts, httpx as plain mappings: the same protocol.
        self.transport = httpx.ASGITransport(app=cast(Any, app))
        self._lifespan: TestAppProtocol | None = None
        self._server: asyncio.Task[None] | None = None
        self._stop_serving = asyncio.Event()
        self._serving = threading.Lock()
        self.url: str | None = None

    def start(self) -> EmbeddedApp:
        try:
            self.loop.run(self._startup())
        except BaseException:
            self.loop.stop()
            raise
        return self

    async def _startup(self) -> None:
        lifespan = self.app.test_app()
        await lifespan.startup()
        self._lifespan = lifespan

    def serve(self) -> str:
        """The base URL of the app served on a free loopback port (started on the first call)."""
        with self._serving:
            if self.url is None:
                sock = listening_socket()
                url = f"http://{LOOPBACK}:{sock.getsockname()[1]}"
                server = self._server = self.loop.run(self._start_server(sock.detach()))
                try:
                    wait_until_answering(url, lambda: not server.done())
                except ServerStopped as stopped:
                    raise stopped from server.exception()
                self.url = url
            return self.url

    async def _start_server(self, fd: int) -> asyncio.Task[None]:
        config = Config()
        config.bind = [f"fd://{fd}"]
        config.loglevel = "WARNING"
        config.accesslog = None
        config.graceful_timeout = GRACEFUL_TIMEOUT
        return asyncio.create_task(
            hypercorn_serve(WithoutLifespan(self.app), config, shutdown_trigger=self._stop_serving.wait)
        )

    def stop(self) -> None:
        if not self.loop.running:
            return
        try:
            self.loop.run(self._shutdown())
        finally:
            self.loop.stop()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._stop_serving.set()
            await self._server
        if self._lifespan is not None:
            await self._lifespan.shutdown()

    def __enter__(self) -> EmbeddedApp:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


class ServerStopped(RuntimeError):
    """The server ended before it answered."""


def wait_until_answering(url: str, alive: Callable[[], bool], timeout: float = READY_TIMEOUT) -> None:
    """Return once `GET /` at `url` gets any HTTP answer; raise when `alive()` turns false or time runs out."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    deadline = time.monotonic() + timeout
    while True:
        connection = http.client.HTTPConnection(host, int(port), timeout=0.5)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError as error:
            problem = error
        finally:
            connection.close()
        if not alive():
            raise ServerStopped(f"the server for {url} stopped before it answered")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {timeout} s: {problem}")
        time.sleep(0.01)
