"""Blueprint: what monitoring polls: `GET /_cluster/health` and `GET /_prometheus/metrics`.

Cluster health answers Elasticsearch's body (see `app.observability.health`) with one
departure: a `red` cluster is answered with HTTP 503 rather than 200, so that a load balancer
or an orchestrator's probe can use the status code alone. `timeout` (default 30s, as in
Elasticsearch) bounds the storage check; `wait_for_status` pings again until the status is
reached or the timeout passes (`timed_out: true`).
"""

from __future__ import annotations

import re

from quart import Blueprint, Response, request

from app.compat import flag, json_response, query_parameters, text
from app.errors import IllegalArgument
from app.observability import count_storage_error, current_metrics
from app.observability.health import RED, STATUSES, check, health_body
from app.state import current_settings, current_storage

blueprint = Blueprint("health", __name__)

DEFAULT_TIMEOUT = "30s"
UNHEALTHY_STATUS = 503
_TIME_UNITS = (("nanos", 1e-9), ("micros", 1e-6), ("ms", 1e-3), ("s", 1.0), ("m", 60.0), ("h", 3600.0), ("d", 86400.0))
_LONG = re.compile(r"[+-]?\d+")


@blueprint.route("/_cluster/health", methods=["GET"])
@query_parameters("timeout", "wait_for_status")
async def cluster_health() -> Response:
    """Green while the storage answers, red (503) when it does not."""
    timeout = time_value("timeout", text("timeout") or DEFAULT_TIMEOUT)
    health = await check(current_storage(), timeout, wait_for_status(text("wait_for_status")))
    if health.failure is not None:
        count_storage_error(health.failure)
    body = health_body(current_settings().cluster_name, health, human=flag("human"))
    return json_response(body, status=UNHEALTHY_STATUS if health.status == RED else 200)


@blueprint.route("/_prometheus/metrics", methods=["GET"])
@query_parameters()
async def prometheus_metrics() -> Response:
    """Request and storage metrics in Prometheus's text format (all workers' together)."""
    data, content_type = current_metrics().exposition(request.headers.get("Accept"))
    return Response(data, content_type=content_type)


def wait_for_status(value: str | None) -> str | None:
    if value is None or value.lower() in STATUSES:
        return None if value is None else value.lower()
    raise IllegalArgument(f"No enum constant org.elasticsearch.cluster.health.ClusterHealthStatus.{value.upper()}")


def time_value(name: str, value: str) -> float | None:
    """Seconds, as Elasticsearch's `TimeValue.parseTimeValue` reads `value`; `-1` (no limit) is None."""
    normalized = value.strip().lower()
    for suffix, seconds in _TIME_UNITS:
        if normalized.endswith(suffix):
            amount = _amount(value, normalized[: -len(suffix)].strip(), name)
            return None if amount == -1 else amount * seconds
    if normalized == "-1":
        return None
    if normalized == "0":
        return 0.0
    raise IllegalArgument(
        f"failed to parse setting [{name}] with value [{value}] as a time value: unit is missing or unrecognized"
    )


def _amount(value: str, number: str, name: str) -> int:
    if not _LONG.fullmatch(number):
        try:
            float(number)
        except ValueError:
            raise IllegalArgument(f"failed to parse [{value}]") from None
        raise IllegalArgument(f"failed to parse [{value}], fractional time values are not supported")
    amount = int(number)
    if amount < -1:
        raise IllegalArgument(
            f"failed to parse setting [{name}] with value [{value}] as a time value: "
            "negative durations are not supported"
        )
    return amount
