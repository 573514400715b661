"""Blueprint: connector create, read, list, delete and last-sync stats."""

from __future__ import annotations

from quart import Blueprint, Response

from app.compat import csv, flag, integer, json_response, optional_body, query_parameters, required_body, text
from app.schemas.connectors import CREATE_CONNECTOR, LAST_SYNC_STATS
from app.services import connectors as service
from app.state import current_storage

blueprint = Blueprint("connectors", __name__)


@blueprint.route("/_connector/<eid:connector_id>", methods=["PUT"])
@query_parameters()
async def put_connector(connector_id: str) -> Response:
    """Create a connector with this id, or overwrite the one that has it."""
    if not connector_id:
        return await create_connector_with_generated_id()
    body = await optional_body()
    fields = CREATE_CONNECTOR.parse(body) if body is not None else {}
    connector_id, created = await service.create_connector(current_storage(), connector_id, fields)
    result = "created" if created else "updated"
    return json_response({"id": connector_id, "result": result}, status=201 if created else 200)


@blueprint.route("/_connector", methods=["PUT", "POST"])
@query_parameters()
async def create_connector_with_generated_id() -> Response:
    """Create a connector with a generated id."""
    body = await optional_body()
    fields = CREATE_CONNECTOR.parse(body) if body is not None else {}
    connector_id, _ = await service.create_connector(current_storage(), None, fields)
    return json_response({"id": connector_id, "result": "created"}, status=201)


@blueprint.route("/_connector/<eid:connector_id>", methods=["GET"])
@query_parameters("include_deleted")
async def get_connector(connector_id: str) -> Response:
    """One connector, as stored."""
    service.require_connector_id(connector_id, missing="connector_id missing")
    document = await service.get_connector(
        current_storage(), connector_id, include_deleted=flag("include_deleted")
    )
    return json_response(service.as_response(document))


@blueprint.route("/_connector", methods=["GET"])
@query_parameters("from", "size", "index_name", "connector_name", "service_type", "query", "include_deleted")
async def list_connectors() -> Response:
    """A page of connectors sorted by index name, with the total count."""
    parameters = service.ListParameters(
        offset=integer("from", 0),
        size=integer("size", 100),
        index_names=tuple(csv("index_name")),
        connector_names=tuple(csv("connector_name")),
        service_types=tuple(csv("service_type")),
        query=text("query"),
        include_deleted=flag("include_deleted"),
    )
    total, documents = await service.list_connectors(current_storage(), parameters)
    return json_response({"count": total, "results": [service.as_response(document) for document in documents]})


@blueprint.route("/_connector/<eid:connector_id>", methods=["DELETE"])
@query_parameters("delete_sync_jobs", "hard")
async def delete_connector(connector_id: str) -> Response:
    """Soft-delete a connector (or remove it with `hard`), optionally with its sync jobs."""
    service.require_connector_id(connector_id, missing="connector_id missing")
    await service.delete_connector(
        current_storage(), connector_id, hard=flag("hard"), delete_sync_jobs=flag("delete_sync_jobs")
    )
    return json_response({"acknowledged": True})


@blueprint.route("/_connector/<eid:connector_id>/_last_sync", methods=["PUT"])
@query_parameters()
async def update_last_sync(connector_id: str) -> Response:
    """Merge last-sync stats into the connector; `noop` when nothing changes."""
    stats = LAST_SYNC_STATS.parse(await required_body())
    service.require_connector_id(connector_id)
    outcome = await service.update_last_sync(current_storage(), connector_id, stats)
    return json_response({"result": outcome.result})
