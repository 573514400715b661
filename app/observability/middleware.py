"""ASGI middleware around the app: per-request metrics, access log and `X-Opaque-Id`, all in one layer.

It runs on every request, so it does little: one header scan, two clock reads, one histogram
observation through a cached labelled child, and the access record only when that log is on.
Measured on `PUT /_connector/<id>/_last_sync` (memory storage): see README "Operations".
"""

from __future__ import annotations

from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import Any

from app.observability.access_log import AccessLog
from app.observability.exchange import Exchange, opaque_id
from app.observability.metrics import Metrics
from config.logging import log_context

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

OPAQUE_ID_RESPONSE_HEADER = b"X-Opaque-Id"
CLIENT_CLOSED_REQUEST = 499
"""nginx's status for a request whose client left before any response: nothing was answered."""


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, access_log: AccessLog | None) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        exchange = Exchange(opaque_id(scope["headers"]))
        token = log_context.set(exchange)
        echoed = exchange.opaque_id

        async def send_and_observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                if echoed is not None:
                    message = {**message, "headers": [*message.get("headers", ()), (OPAQUE_ID_RESPONSE_HEADER, echoed)]}
            await send(message)

        failure: BaseException | None = None
        try:
            await self.app(scope, receive, send_and_observe)
        except BaseException as error:
            failure = error
            raise
        finally:
            self._finish(scope, exchange, perf_counter() - started, failure)
            log_context.reset(token)

    def _finish(self, scope: Scope, exchange: Exchange, seconds: float, failure: BaseException | None) -> None:
        status = exchange.status
        if status is None:
            crashed = failure is not None and not isinstance(failure, CancelledError)
            status = 500 if crashed else CLIENT_CLOSED_REQUEST
        self.metrics.observe_request(exchange.endpoint, scope["method"], status, seconds)
        if self.access_log is not None:
            self.access_log.record(scope, exchange, status, seconds)
