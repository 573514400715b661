"""Blueprint: connector secrets (`/_connector/_secret`), stored encrypted.

These static paths win over `/_connector/<connector_id>`: werkzeug matches a static segment
before a converter, as Elasticsearch's path trie prefers an explicit segment to a wildcard.
"""

from __future__ import annotations

from quart import Blueprint, Response

from app.compat import json_response, query_parameters, required_body
from app.schemas.secrets import POST_SECRET, PUT_SECRET
from app.services import secrets as service
from app.services.secret_keys import secrets_key
from app.state import current_settings, current_storage

blueprint = Blueprint("secrets", __name__)

SECRET = "/_connector/_secret/<eid:secret_id>"


@blueprint.route("/_connector/_secret", methods=["POST"])
@query_parameters()
async def post_secret() -> Response:
    """Store a secret under a generated id (200, as Elasticsearch answers)."""
    fields = POST_SECRET.parse(await required_body())
    key = secrets_key(current_settings())
    secret_id = await service.create_secret(current_storage(), key, fields.get("value"))
    return json_response({"id": secret_id})


@blueprint.route(SECRET, methods=["PUT"])
@query_parameters()
async def put_secret(secret_id: str) -> Response:
    """Store a secret under this id: 201 when new, 200 when replaced."""
    fields = PUT_SECRET.parse(await required_body())
    key = secrets_key(current_settings())
    created = await service.put_secret(current_storage(), key, secret_id, fields["value"])
    return json_response({"result": "created" if created else "updated"}, status=201 if created else 200)


@blueprint.route(SECRET, methods=["GET"])
@query_parameters()
async def get_secret(secret_id: str) -> Response:
    """One secret's plain value."""
    value = await service.get_secret(current_storage(), secrets_key(current_settings()), secret_id)
    return json_response({"id": secret_id, "value": value})


@blueprint.route(SECRET, methods=["DELETE"])
@query_parameters()
async def delete_secret(secret_id: str) -> Response:
    """Delete a secret."""
    await service.delete_secret(current_storage(), secret_id)
    return json_response({"deleted": True})
