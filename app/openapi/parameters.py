"""The query parameters routes declare (`@query_parameters`), described once and referenced."""

from __future__ import annotations

from typing import Any

from app.domain.models import SyncJobType, SyncStatus
from app.openapi.bodies import JsonSchema
from app.openapi.components import BOOLEAN, STRING, enum_of


def _query(name: str, schema: JsonSchema, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_FLAG: JsonSchema = {"type": "boolean", "default": False}
INT_MAX = 2**31 - 1
_CSV = "A comma-separated list"

PARAMETERS: dict[str, dict[str, Any]] = {
    "pretty": _query("pretty", BOOLEAN, "Indent the JSON response."),
    "human": _query("human", BOOLEAN, "Accepted for compatibility; it changes nothing here."),
    "error_trace": _query("error_trace", BOOLEAN, "Accepted for compatibility; it changes nothing here."),
    "filter_path": _query("filter_path", STRING, "Comma-separated paths (with `*` wildcards) of the response to keep."),
    "source": {
        "name": "source",
        "in": "query",
        "required": False,
        "content": {"application/json": {"schema": {"type": "object"}}},
        "description": "The request body, for clients that cannot send one (read only when there is no body).",
    },
    "source_content_type": _query("source_content_type", STRING, "The media type of `source`."),
    "from": _query("from", {"type": "integer", "minimum": 0, "maximum": INT_MAX, "default": 0}, "The first result."),
    "size": _query("size", {"type": "integer", "minimum": 0, "maximum": INT_MAX, "default": 100}, "How many results."),
    "include_deleted": _query("include_deleted", _FLAG, "Include soft-deleted connectors."),
    "delete_sync_jobs": _query("delete_sync_jobs", _FLAG, "Also delete the connector's sync jobs."),
    "hard": _query("hard", _FLAG, "Remove the document instead of marking it deleted."),
    "index_name": _query("index_name", STRING, f"{_CSV} of index names to match."),
    "connector_name": _query("connector_name", STRING, f"{_CSV} of connector names to match."),
    "service_type": _query("service_type", STRING, f"{_CSV} of service types to match."),
    "query": _query("query", STRING, "Text the index name, name or description must contain (wildcard match)."),
    "connector_id": _query("connector_id", STRING, "Only the sync jobs of this connector."),
    "status": _query("status", enum_of(SyncStatus), "Only the sync jobs in this status (any case)."),
    "job_type": _query(
        "job_type",
        {"type": "string", "pattern": f"^({'|'.join(SyncJobType)})(,({'|'.join(SyncJobType)}))*$"},
        f"{_CSV} of job types (any case).",
    ),
    "timeout": _query(
        "timeout",
        {"type": "string", "pattern": "^(-1|0|[0-9]+(nanos|micros|ms|s|m|h|d))$", "default": "30s"},
        "How long to wait for the storage, as a time value (`-1`: no limit).",
    ),
    "wait_for_status": _query(
        "wait_for_status", enum_of(("green", "yellow", "red")), "Wait until the cluster has this status or better."
    ),
    "refresh": _query("refresh", STRING, "Accepted for compatibility: every write is visible at once here."),
}
"""Every query parameter a route may declare; a test checks none is missing."""
