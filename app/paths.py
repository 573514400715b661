"""Path ids that contain `/`: clients send them percent-encoded (`a%2Fb`), as Elasticsearch expects.

ASGI servers decode the path before routing, which would turn `a%2Fb` into two segments.
`keep_encoded_slashes` re-decodes the raw path with every `%2F` replaced by a placeholder
that cannot occur in a URL, and the `eid` route converter turns the placeholder back into `/`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from werkzeug.routing import BaseConverter

ENCODED_SLASH_PLACEHOLDER = "\ue000"
"""A private-use character: never produced by decoding a URL path a client would send."""


class IdConverter(BaseConverter):
    """A path id that may be empty (so `/_connector//_name` reaches the handler's validation)."""

    regex = "[^/]*"

    def to_python(self, value: str) -> str:
        return value.replace(ENCODED_SLASH_PLACEHOLDER, "/")

    def to_url(self, value: Any) -> str:
        return str(value).replace("/", "%2F")


def decoded_path(raw_path: bytes) -> str:
    text = raw_path.decode("latin-1").split("?", 1)[0]
    protected = text.replace("%2F", ENCODED_SLASH_PLACEHOLDER).replace("%2f", ENCODED_SLASH_PLACEHOLDER)
    return unquote(protected, encoding="utf-8", errors="replace")


class keep_encoded_slashes:  # noqa: N801 - used like a function: keep_encoded_slashes(app)
    """ASGI middleware: route on the raw path so `%2F` stays inside its segment."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        raw_path = scope.get("raw_path")
        # Two substring tests: the whole cost of this layer for the paths without `%2F`.
        if raw_path and (b"%2F" in raw_path or b"%2f" in raw_path) and scope["type"] == "http":
            scope = {**scope, "path": decoded_path(raw_path)}
        await self.app(scope, receive, send)
