"""What the request middleware and the app share about one request: its id and its route.

The middleware makes an `Exchange` per request and sets it as `config.logging.log_context`, so
that every record logged while the request is handled carries the request id. The app records
the name of the route that matched (`record_endpoint`, a URL value preprocessor, which Quart
runs before any `before_request` hook, so a request refused by one is still named).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from config.logging import REQUEST_ID_FIELD, log_context

OPAQUE_ID_HEADER = b"x-opaque-id"


class Exchange:
    __slots__ = ("opaque_id", "endpoint", "status", "_request_id")

    def __init__(self, opaque_id: bytes | None) -> None:
        self.opaque_id = opaque_id
        """The client's `X-Opaque-Id`, which Elasticsearch echoes in the response and its logs."""
        self.endpoint: str | None = None
        self.status: int | None = None
        self._request_id: str | None = None

    @property
    def request_id(self) -> str:
        """The client's `X-Opaque-Id`, else 128 random bits in hex, made when first asked for (only logging asks)."""
        if self._request_id is None:
            self._request_id = self.opaque_id.decode("latin-1") if self.opaque_id is not None else os.urandom(16).hex()
        return self._request_id

    def log_fields(self) -> Mapping[str, object]:
        return {REQUEST_ID_FIELD: self.request_id}


def opaque_id(headers: Iterable[tuple[bytes, bytes]]) -> bytes | None:
    for name, value in headers:
        if name == OPAQUE_ID_HEADER:
            return value
    return None


def record_endpoint(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Quart URL value preprocessor: remember the matched route's name for the metrics."""
    exchange = log_context.get()
    if isinstance(exchange, Exchange):
        exchange.endpoint = endpoint
