"""The framework ceiling: the bench's route on Quart and Hypercorn, doing nothing but HTTP.

It parses the body with orjson and answers `{"result":"updated"}`, as the real handler does
minus validation and storage. The bench serves it exactly as `hypercorn --workers 0
--worker-class uvloop bench.ceiling:app`: Hypercorn's own uvloop worker, in one process.
"""

from __future__ import annotations

import orjson
from quart import Quart, Response, request

app = Quart("bench_ceiling")

UPDATED = orjson.dumps({"result": "updated"})


@app.route("/", methods=["GET"])
async def root() -> Response:
    """Readiness probe, answered like the real server's root."""
    return Response(b"{}", content_type="application/json")


@app.route("/_connector/<connector_id>/_last_sync", methods=["PUT"])
async def update_last_sync(connector_id: str) -> Response:
    """Parse the body, then answer what the real endpoint answers."""
    orjson.loads(await request.get_data())
    return Response(UPDATED, content_type="application/json")
