"""Blueprint: the connector partial-update endpoints (`_check_in`, `_status`, `_name`, ...).

Each handler parses its body (a 400 from the parser comes before any validation, as in
Elasticsearch), calls one service function and answers `{"result": "updated" | "noop"}`.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response

from app.compat import json_response, no_body, query_parameters, required_body
from app.parsing import ObjectParser
from app.schemas import connector_updates as schemas
from app.services import connector_updates as service
from app.state import current_storage
from storage.documents import UpdateResult

blueprint = Blueprint("connector_updates", __name__)

CONNECTOR = "/_connector/<eid:connector_id>"


def _result(outcome: UpdateResult) -> Response:
    return json_response({"result": outcome.result})


async def _parse(parser: ObjectParser) -> dict[str, Any]:
    return parser.parse(await required_body())


@blueprint.route(f"{CONNECTOR}/_check_in", methods=["PUT"])
@query_parameters()
async def check_in(connector_id: str) -> Response:
    """Record that the connector service is alive (`last_seen` = now)."""
    await no_body()
    return _result(await service.check_in(current_storage(), connector_id))


@blueprint.route(f"{CONNECTOR}/_status", methods=["PUT"])
@query_parameters()
async def update_status(connector_id: str) -> Response:
    """Change the status, as the connector state machine allows."""
    fields = await _parse(schemas.UPDATE_STATUS)
    return _result(await service.update_status(current_storage(), connector_id, fields))


@blueprint.route(f"{CONNECTOR}/_error", methods=["PUT"])
@query_parameters()
async def update_error(connector_id: str) -> Response:
    """Set or clear the error; the status follows."""
    fields = await _parse(schemas.UPDATE_ERROR)
    return _result(await service.update_error(current_storage(), connector_id, fields))


@blueprint.route(f"{CONNECTOR}/_name", methods=["PUT"])
@query_parameters()
async def update_name(connector_id: str) -> Response:
    """Set the name and/or description."""
    fields = await _parse(schemas.UPDATE_NAME)
    return _result(await service.update_name(current_storage(), connector_id, fields))


@blueprint.route(f"{CONNECTOR}/_api_key_id", methods=["PUT"])
@query_parameters()
async def update_api_key_id(connector_id: str) -> Response:
    """Set the API key id and/or the id of the secret holding it."""
    fields = await _parse(schemas.UPDATE_API_KEY_ID)
    return _result(await service.update_api_key_id(current_storage(), connector_id, fields))


@blueprint.route(f"{CONNECTOR}/_pipeline", methods=["PUT"])
@query_parameters()
async def update_pipeline(connector_id: str) -> Response:
    """Replace the ingest pipeline settings."""
    fields = await _parse(schemas.UPDATE_PIPELINE)
    return _result(await service.update_pipeline(current_storage(), connector_id, fields))


@blueprint.route(f"{CONNECTOR}/_index_name", methods=["PUT"])
@query_parameters()
async def update_index_name(connector_id: str) -> Response:
    """Attach the connector to an index, or detach it with null."""
    fields = await _parse(schemas.UPDATE_INDEX_NAME)
    return _result(await service.update_index_name(current_storage(), connector_id, fields))


@blueprint.route(f"{CONNECTOR}/_service_type", methods=["PUT"])
@query_parameters()
async def update_service_type(connector_id: str) -> Response:
    """Set the service type (and the status it implies)."""
    fields = await _parse(schemas.UPDATE_SERVICE_TYPE)
    return _result(await service.update_service_type(current_storage(), connector_id, fields))


@blueprint.route(f"{CONNECTOR}/_native", methods=["PUT"])
@query_parameters()
async def update_native(connector_id: str) -> Response:
    """Make the connector Elastic-managed or self-managed."""
    fields = await _parse(schemas.UPDATE_NATIVE)
    return _result(await service.update_native(current_storage(), connector_id, fields))


@blueprint.route(f"{CONNECTOR}/_scheduling", methods=["PUT"])
@query_parameters()
async def update_scheduling(connector_id: str) -> Response:
    """Merge the given sync schedules into the connector's."""
    fields = await _parse(schemas.UPDATE_SCHEDULING)
    return _result(await service.update_scheduling(current_storage(), connector_id, fields))


@blueprint.route(f"{CONNECTOR}/_features", methods=["PUT"])
@query_parameters()
async def update_features(connector_id: str) -> Response:
    """Merge the given feature flags into the connector's."""
    fields = await _parse(schemas.UPDATE_FEATURES)
    return _result(await service.update_features(current_storage(), connector_id, fields))
