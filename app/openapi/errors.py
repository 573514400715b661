"""The error replies an operation may give, each in Elasticsearch's envelope.

- 400 always: an unknown query parameter, a bad `Accept` version, a bad body or a broken rule;
- 401 always, and 403 when a privilege is needed, as `app.security.actions` says (only while
  authentication is on);
- 404 when the operation names something that may not exist;
- 406 and 413 when it reads a body: not JSON, or over the size limit;
- 503 when it reaches the storage and the storage does not answer.
"""

from __future__ import annotations

from typing import Any

from app.openapi.components import ref
from app.openapi.registry import Operation
from app.security.actions import action_for

_CONTENT = {"application/json": {"schema": ref("Error")}}


def _error(description: str, **extra: Any) -> dict[str, Any]:
    return {"description": description, **extra, "content": _CONTENT}


ERROR_RESPONSES: dict[str, dict[str, Any]] = {
    "BadRequest": _error(
        "Bad request: an unknown query parameter, an unsupported `compatible-with` version, a body that does "
        "not parse, or a request the rules refuse. `error.type` and `error.reason` say which, as in Elasticsearch."
    ),
    "Unauthorized": _error(
        "No credentials, or credentials that do not authenticate (`security_exception`).",
        headers={
            "WWW-Authenticate": {"description": "The schemes accepted: Basic and ApiKey.", "schema": {"type": "string"}}
        },
    ),
    "Forbidden": _error("The caller lacks every privilege that grants this action (`security_exception`)."),
    "NotAcceptable": _error("The body's Content-Type is not JSON (`media_type_header_exception`)."),
    "ContentTooLarge": _error("The body is larger than the configured maximum (`content_too_long_exception`)."),
    "Unavailable": _error("The storage does not answer."),
}


def _named(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/responses/{name}"}


def error_statuses(endpoint: str, method: str, entry: Operation) -> dict[int, dict[str, Any]]:
    statuses: dict[int, dict[str, Any]] = {400: _named("BadRequest"), 401: _named("Unauthorized")}
    if action_for(endpoint, method).granted_by:
        statuses[403] = _named("Forbidden")
    if entry.missing is not None:
        statuses[404] = _error(f"No such {entry.missing} (`resource_not_found_exception`).")
    if entry.body is not None:
        statuses[406] = _named("NotAcceptable")
        statuses[413] = _named("ContentTooLarge")
    if entry.uses_storage:
        statuses[503] = _named("Unavailable")
    statuses.update((status, _error(description)) for status, description in entry.errors)
    return statuses
