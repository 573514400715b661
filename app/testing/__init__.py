"""connector-api inside test harnesses: in-process clients, disposable servers, a pytest plugin.

- `ConnectorApi.in_process(settings)`: the app in this process; `.client` / `.async_client`
  are the official `elasticsearch` clients reaching it with no socket, `.url` serves it on a
  loopback port, `.reset()` empties it. `ConnectorApi.external(url)`: the same for a server
  started elsewhere (in test mode).
- `serve_in_thread(settings)` / `async with serve_in_background(settings)`: a server on a free
  loopback port in a background thread; `serve_in_subprocess(settings)`: in a child process.
- The pytest plugin (`app.testing.plugin`): fixtures `connector_api`, `connector_api_client`,
  `connector_api_async_client`, `connector_api_server`.
- `POST /_connector_api/_reset` (test mode only) and seed files: `app.routes.testing`,
  `app.testing.seed`.

Names are imported on first use, so that the server itself, which loads `app.testing.seed`,
never loads the clients and Hypercorn's serving helpers with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.testing.instance import ConnectorApi, ConnectorApiError
    from app.testing.server import serve_in_background, serve_in_subprocess, serve_in_thread

__all__ = [
    "ConnectorApi",
    "ConnectorApiError",
    "serve_in_background",
    "serve_in_subprocess",
    "serve_in_thread",
]

_MODULES = {
    "ConnectorApi": "app.testing.instance",
    "ConnectorApiError": "app.testing.instance",
    "serve_in_background": "app.testing.server",
    "serve_in_subprocess": "app.testing.server",
    "serve_in_thread": "app.testing.server",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_MODULES[name]), name)
