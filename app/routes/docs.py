"""Blueprint: this API's own description: `GET /_openapi.json` and the `GET /_docs` page.

Both are built once per app, on first request, from the routes and the request parsers
(`app.openapi`). They hold no data, only what the routes are; while authentication is on,
any authenticated caller may read them (no privilege needed), as for `GET /`.
"""

from __future__ import annotations

from quart import Blueprint, Response, current_app

from app.compat import json_response, query_parameters
from app.openapi import docs_page, openapi_document

blueprint = Blueprint("docs", __name__)

PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""The page has no script and loads nothing: a CSP that says so."""


@blueprint.route("/_openapi.json", methods=["GET"])
@query_parameters()
async def openapi() -> Response:
    """This API's OpenAPI 3.1 document."""
    return json_response(openapi_document(current_app))


@blueprint.route("/_docs", methods=["GET"])
@query_parameters()
async def docs() -> Response:
    """This API's documentation page, rendered from its OpenAPI document."""
    page = docs_page(current_app)
    return Response(page, content_type="text/html; charset=utf-8", headers={"Content-Security-Policy": PAGE_POLICY})
