"""Blueprint: the security APIs, a subset of Elasticsearch's: API keys and `_authenticate`.

Authentication and authorisation happen before these handlers run (`app.security.guard`);
while the server runs without authentication they answer that security is not enabled.
"""

from __future__ import annotations

import time

from quart import Blueprint, Response

from app.compat import json_response, query_parameters, required_body
from app.security import api_keys
from app.security.guard import current_principal
from app.security.requests import parse_create, parse_invalidate
from app.state import current_storage

blueprint = Blueprint("security", __name__)

API_KEY = "/_security/api_key"


@blueprint.route(API_KEY, methods=["POST", "PUT"])
@query_parameters("refresh")
async def create_api_key() -> Response:
    """Create an API key owned by the caller; its secret is in this response and nowhere else."""
    principal = current_principal()
    request = parse_create(await required_body())
    owner = api_keys.owner_of(principal, request)
    created = await api_keys.create_api_key(current_storage(), owner, request, _now_ms())
    return json_response(created.as_response())


@blueprint.route(API_KEY, methods=["DELETE"])
@query_parameters()
async def invalidate_api_key() -> Response:
    """Invalidate API keys by ids, name, owner or user; they stop working within seconds everywhere."""
    principal = current_principal()
    selection = parse_invalidate(await required_body())
    api_keys.check_invalidation_scope(principal, selection)
    result = await api_keys.invalidate_api_keys(current_storage(), selection, principal, _now_ms())
    return json_response(result.as_response())


@blueprint.route("/_security/_authenticate", methods=["GET"])
@query_parameters()
async def authenticate() -> Response:
    """Who the credentials of this request belong to, as Elasticsearch describes them."""
    return json_response(current_principal().as_authenticate_response())


def _now_ms() -> int:
    return int(time.time() * 1000)
