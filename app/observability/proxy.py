"""Serving behind a reverse proxy: forwarded client address and scheme, and a path prefix.

- `proxy_trusted_hops` > 0: Hypercorn's `ProxyFixMiddleware` in legacy mode replaces the
  client address, scheme and host with the values of `X-Forwarded-For`, `X-Forwarded-Proto`
  and `X-Forwarded-Host` that the last N proxies added. Values a client put there itself
  sit further left and are ignored. Off (0) by default: without a proxy those headers are
  whatever the client says.
- `root_path` (`/es`): a proxy that forwards `https://example.com/es/_connector` unchanged
  reaches the route `/_connector`; the ASGI `root_path` tells the app the prefix. Paths
  outside the prefix are routed as they are, so a probe that reaches the server directly
  (`GET /`) still works.
"""

from __future__ import annotations

from typing import Any, cast

from hypercorn.middleware import ProxyFixMiddleware

from app.observability.middleware import ASGIApp, Receive, Scope, Send


class RootPath:
    """ASGI middleware: routes `<prefix>/rest` as `/rest` with `root_path` = prefix."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")
        self._under = self.prefix + "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            path: str = scope["path"]
            if path.startswith(self._under):
                scope = {**scope, "root_path": self.prefix}
            elif path == self.prefix:
                scope = {**scope, "root_path": self.prefix, "path": self._under}
        await self.app(scope, receive, send)


def behind_proxy(app: ASGIApp, trusted_hops: int, root_path: str) -> ASGIApp:
    """`app` wrapped for the proxy settings; unchanged when both are off."""
    if root_path.rstrip("/"):
        app = RootPath(app, root_path)
    if trusted_hops > 0:
        app = cast(ASGIApp, ProxyFixMiddleware(cast(Any, app), mode="legacy", trusted_hops=trusted_hops))
    return app
