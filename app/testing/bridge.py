"""httpx transports that hand each request to an async transport living on a `LoopThread`.

`BridgeTransport` (for `httpx.Client`) and `AsyncBridgeTransport` (for `httpx.AsyncClient`
on any event loop) both send the request across to the loop thread, where the target
transport (`httpx.ASGITransport` over the app: no socket; or `httpx.AsyncHTTPTransport` for
a server elsewhere) answers it, and bring the fully read response back. Requests and
responses cross as plain bytes, so nothing of one loop is ever touched from another.
"""

from __future__ import annotations

import asyncio
import concurrent.futures

import httpx

from app.testing.loop_thread import LoopThread


async def exchange(target: httpx.AsyncBaseTransport, request: httpx.Request, content: bytes) -> httpx.Response:
    """Send a copy of `request` carrying `content` through `target`; return the response, read."""
    copy = httpx.Request(request.method, request.url, headers=request.headers, content=content)
    copy.extensions = request.extensions
    response = await target.handle_async_request(copy)
    try:
        body = await response.aread()
    finally:
        await response.aclose()
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        content=body,
        extensions={"http_version": response.extensions.get("http_version", b"HTTP/1.1")},
    )


def _read_timeout(request: httpx.Request) -> float | None:
    timeouts = request.extensions.get("timeout") or {}
    read: float | None = timeouts.get("read")
    return read


class BridgeTransport(httpx.BaseTransport):
    def __init__(self, loop: LoopThread, target: httpx.AsyncBaseTransport) -> None:
        self.loop = loop
        self.target = target

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        future = self.loop.submit(exchange(self.target, request, request.read()))
        try:
            return future.result(_read_timeout(request))
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise httpx.ReadTimeout("no answer in time", request=request) from None


class AsyncBridgeTransport(httpx.AsyncBaseTransport):
    def __init__(self, loop: LoopThread, target: httpx.AsyncBaseTransport) -> None:
        self.loop = loop
        self.target = target

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        content = await request.aread()
        try:
            return await asyncio.wait_for(
                self.loop.run_async(exchange(self.target, request, content)), _read_timeout(request)
            )
        except TimeoutError:
            raise httpx.ReadTimeout("no answer in time", request=request) from None
