"""Blueprint: a connector's configuration schema and values (`_configuration`)."""

from __future__ import annotations

from quart import Blueprint, Response

from app.compat import json_response, query_parameters, required_body
from app.schemas.configuration import UPDATE_CONFIGURATION
from app.services import configuration as service
from app.state import current_storage

blueprint = Blueprint("configuration", __name__)


@blueprint.route("/_connector/<eid:connector_id>/_configuration", methods=["PUT"])
@query_parameters()
async def update_configuration(connector_id: str) -> Response:
    """Replace the configuration schema, or set values of its known fields; status becomes `configured`."""
    fields = UPDATE_CONFIGURATION.parse(await required_body())
    outcome = await service.update_configuration(current_storage(), connector_id, fields)
    return json_response({"result": outcome.result})
