"""Operating the server: request metrics, access log, request ids, and the reverse-proxy settings.

`install(app, settings)` wraps the app's ASGI callable, outermost first:

    ProxyFixMiddleware (proxy_trusted_hops > 0) -> RootPath (root_path set)
      -> ObservabilityMiddleware (metrics, access log, X-Opaque-Id) -> the app

so that the metrics and the access log see the original client, and they apply however the
app is served (`connector-api serve`, Hypercorn's own command line, or a test client).
"""

from __future__ import annotations

from typing import cast

from quart import Quart, current_app

from app.observability.access_log import AccessLog
from app.observability.exchange import record_endpoint
from app.observability.metrics import Metrics
from app.observability.middleware import ASGIApp, ObservabilityMiddleware
from app.observability.proxy import behind_proxy
from config.settings import Settings

METRICS_KEY = "connector_api.metrics"

__all__ = ["METRICS_KEY", "count_storage_error", "current_metrics", "install"]


def install(app: Quart, settings: Settings) -> None:
    metrics = Metrics()
    app.extensions[METRICS_KEY] = metrics
    app.url_value_preprocessor(record_endpoint)
    access_log = AccessLog() if settings.access_log else None
    wrapped = ObservabilityMiddleware(cast(ASGIApp, app.asgi_app), metrics, access_log)
    app.asgi_app = behind_proxy(wrapped, settings.proxy_trusted_hops, settings.root_path)  # type: ignore[method-assign,assignment]


def current_metrics() -> Metrics:
    return cast(Metrics, current_app.extensions[METRICS_KEY])


def count_storage_error(error: BaseException) -> None:
    """Count a storage failure of the current request in `connector_api_storage_errors_total`."""
    current_metrics().count_storage_error(error)
