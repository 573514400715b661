"""Blueprint: a connector's sync-rule filtering (`_filtering`, `_filtering/_validation`, `_filtering/_activate`)."""

from __future__ import annotations

from quart import Blueprint, Response

from app.compat import json_response, no_body, query_parameters, required_body
from app.schemas.filtering import UPDATE_FILTERING, UPDATE_FILTERING_VALIDATION
from app.services import filtering as service
from app.state import current_storage

blueprint = Blueprint("filtering", __name__)

FILTERING = "/_connector/<eid:connector_id>/_filtering"


@blueprint.route(FILTERING, methods=["PUT"])
@query_parameters()
async def update_filtering(connector_id: str) -> Response:
    """Replace the whole filtering list, or edit the draft's rules and/or advanced snippet."""
    fields = UPDATE_FILTERING.parse(await required_body())
    outcome = await service.update_filtering(current_storage(), connector_id, fields)
    return json_response({"result": outcome.result})


@blueprint.route(f"{FILTERING}/_validation", methods=["PUT"])
@query_parameters()
async def update_filtering_validation(connector_id: str) -> Response:
    """Record the connector service's validation of the draft."""
    fields = UPDATE_FILTERING_VALIDATION.parse(await required_body())
    outcome = await service.update_filtering_validation(current_storage(), connector_id, fields)
    return json_response({"result": outcome.result})


@blueprint.route(f"{FILTERING}/_activate", methods=["PUT"])
@query_parameters()
async def activate_filtering(connector_id: str) -> Response:
    """Make the validated draft the active filtering."""
    await no_body()
    outcome = await service.activate_filtering(current_storage(), connector_id)
    return json_response({"result": outcome.result})
