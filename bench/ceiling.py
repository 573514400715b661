"""The framework ceiling: each of the bench's routes on Quart and Hypercorn, doing nothing but HTTP.

Each route parses what the real one parses (the body, with orjson) and answers a body of the
same shape and size as the real one, serialised per request; no validation, no storage. The
bench serves it exactly as `hypercorn --workers 0 --worker-class uvloop bench.ceiling:app`:
Hypercorn's own uvloop worker, in one process.
"""

from __future__ import annotations

import secrets
from typing import Any

import orjson
from quart import Quart, Response, request

from app.domain.connectors import new_connector
from bench.seed import connector_fields

app = Quart("bench_ceiling")

UPDATED = orjson.dumps({"result": "updated"})
PAGE_SIZE = 100
STORED_AT = "2026-01-01T00:00:00.000Z"


def _connector(number: int) -> dict[str, Any]:
    """A connector as the real server answers one that the bench seeded."""
    return {"id": f"bench-{number}", **new_connector(connector_fields(number), STORED_AT)}


CONNECTOR = _connector(0)
PAGE = [_connector(number) for number in range(PAGE_SIZE)]


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, content_type="application/json")


@app.route("/", methods=["GET"])
async def root() -> Response:
    """Readiness probe, answered like the real server's root."""
    return Response(b"{}", content_type="application/json")


@app.route("/_connector/<connector_id>/_last_sync", methods=["PUT"])
async def update_last_sync(connector_id: str) -> Response:
    """Parse the body, then answer what the real endpoint answers."""
    orjson.loads(await request.get_data())
    return Response(UPDATED, content_type="application/json")


@app.route("/_connector/<connector_id>", methods=["GET"])
async def get_connector(connector_id: str) -> Response:
    return _json({**CONNECTOR, "id": connector_id})


@app.route("/_connector", methods=["GET"])
async def list_connectors() -> Response:
    return _json({"count": 10_000, "results": PAGE})


@app.route("/_connector/_sync_job", methods=["POST"])
async def post_sync_job() -> Response:
    orjson.loads(await request.get_data())
    return _json({"id": secrets.token_urlsafe(15)}, status=201)
