"""The access log: one record per request on the `connector_api.access` logger (setting `access_log`).

Its fields are ECS names, so the JSON format (`config.logging`) writes them as Elastic tools
expect; the message is the line a person reads at a terminal:
`127.0.0.1 "PUT /_connector/my-connector/_last_sync HTTP/1.1" 200 1.234ms`.
The client address and scheme are those the app saw, i.e. the original client's behind a
trusted proxy (`proxy_trusted_hops`).
"""

from __future__ import annotations

import logging
from typing import Any

from app.observability.exchange import Exchange
from config.logging import REQUEST_ID_FIELD

LOGGER_NAME = "connector_api.access"
USER_AGENT_HEADER = b"user-agent"


class AccessLog:
    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or logging.getLogger(LOGGER_NAME)

    def record(self, scope: dict[str, Any], exchange: Exchange, status: int, seconds: float) -> None:
        if not self.logger.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        address = client[0] if client else None
        method, path, version = scope["method"], request_path(scope), scope.get("http_version", "1.1")
        query = scope.get("query_string", b"").decode("latin-1")
        self.logger.info(
            '%s "%s %s%s HTTP/%s" %d %.3fms',
            address or "-", method, path, f"?{query}" if query else "", version, status, seconds * 1000,
            extra={
                REQUEST_ID_FIELD: exchange.request_id,
                "http.request.method": method,
                "url.path": path,
                "url.query": query or None,
                "url.scheme": scope.get("scheme"),
                "http.version": version,
                "http.response.status_code": status,
                "event.duration": round(seconds * 1e9),
                "client.address": address,
                "user_agent.original": _header(scope, USER_AGENT_HEADER),
            },
        )


def request_path(scope: dict[str, Any]) -> str:
    """The path as the client sent it (still percent-encoded), prefix included."""
    raw: bytes | None = scope.get("raw_path")
    return raw.decode("latin-1") if raw else str(scope["path"])


def _header(scope: dict[str, Any], wanted: bytes) -> str | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return str(value.decode("latin-1"))
    return None
