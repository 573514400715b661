"""Blueprint: the root endpoint (`GET /`, `HEAD /`) that Elasticsearch tooling polls."""

from __future__ import annotations

import uuid

from quart import Blueprint, Response

from app.compat import json_response, query_parameters
from app.state import current_settings

blueprint = Blueprint("meta", __name__)

VERSION = {
    "number": "9.2.0",
    "build_flavor": "default",
    "build_type": "connector-api",
    "build_hash": "0000000000000000000000000000000000000000",
    "build_date": "2025-10-01T00:00:00.000Z",
    "build_snapshot": False,
    "lucene_version": "10.3.0",
    "minimum_wire_compatibility_version": "8.19.0",
    "minimum_index_compatibility_version": "8.0.0",
}


def cluster_uuid(storage_url: str) -> str:
    """Stable for one storage, so every worker and restart reports the same cluster."""
    return uuid.uuid5(uuid.NAMESPACE_URL, storage_url).hex[:22]


@blueprint.route("/", methods=["GET"])
@query_parameters()
async def root() -> Response:
    """Node and version information, shaped like Elasticsearch's (HEAD / answers the same, bodiless)."""
    settings = current_settings()
    return json_response(
        {
            "name": settings.node_name,
            "cluster_name": settings.cluster_name,
            "cluster_uuid": cluster_uuid(settings.storage),
            "version": VERSION,
            "tagline": "You Know, for Search",
        }
    )
