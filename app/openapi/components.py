"""Reusable schemas of response bodies, the error envelope and the query parameters.

Stored documents are described loosely (no `additionalProperties: false`: Elasticsearch adds
fields between versions); their nested objects reuse the request parsers' schemas, which every
stored value satisfies, so a field is described once.
"""

from __future__ import annotations

from typing import Any

from app.domain.models import ConnectorStatus, SyncJobTriggerMethod, SyncJobType, SyncStatus
from app.openapi.bodies import JsonSchema
from app.parsing import ObjectParser
from app.schemas.configuration import CONFIGURATION_ENTRY
from app.schemas.connector_updates import FEATURES, PIPELINE, SCHEDULING
from app.schemas.filtering import CONNECTOR_FILTERING, FILTERING_RULES

STRING: JsonSchema = {"type": "string"}
NULLABLE_STRING: JsonSchema = {"type": ["string", "null"]}
BOOLEAN: JsonSchema = {"type": "boolean"}
COUNT: JsonSchema = {"type": "integer", "minimum": 0}
DATE: JsonSchema = {"type": "string", "format": "date-time"}
NULLABLE_DATE: JsonSchema = {"type": ["string", "null"], "format": "date-time"}
ANY_OBJECT: JsonSchema = {"type": "object"}


def ref(name: str) -> JsonSchema:
    return {"$ref": f"#/components/schemas/{name}"}


def enum_of(values: Any, *, nullable: bool = False) -> JsonSchema:
    names: list[str | None] = [str(value) for value in values]
    return {"type": ["string", "null"] if nullable else "string", "enum": names + ([None] if nullable else [])}


def _object(
    properties: dict[str, JsonSchema], *always: str, description: str = "", filtered: bool = True
) -> JsonSchema:
    """An object; `always` lists the members it always has, which `filter_path` may still remove
    from a success reply, so only an unfiltered object (an error) states them as `required`."""
    schema: JsonSchema = {"type": "object", "properties": properties}
    if always and not filtered:
        schema["required"] = list(always)
    elif always:
        listed = ", ".join(f"`{name}`" for name in always)
        description = f"{description} Always has {listed} (unless `filter_path` leaves them out).".strip()
    if description:
        schema["description"] = description
    return schema


def _stored(parser: ObjectParser) -> JsonSchema:
    """A stored object that was written through `parser`: described there (its `required` members
    do not hold here, as `filter_path` may leave them out of a reply)."""
    return {"type": "object", "description": f"As `{parser.name}` describes it."}


CONFIGURATION: JsonSchema = {
    "type": "object",
    "additionalProperties": ANY_OBJECT,
    "description": f"Entries by field name, as `{CONFIGURATION_ENTRY.name}` describes them; `value` may be any JSON.",
}
RESPONSE_PARSERS = (CONFIGURATION_ENTRY, CONNECTOR_FILTERING, FEATURES, FILTERING_RULES, PIPELINE, SCHEDULING)
"""The request parsers the stored documents' descriptions name (their schemas are in the document)."""

_LAST_SYNC: dict[str, JsonSchema] = {
    "last_access_control_sync_error": NULLABLE_STRING,
    "last_access_control_sync_scheduled_at": NULLABLE_DATE,
    "last_access_control_sync_status": enum_of(SyncStatus, nullable=True),
    "last_deleted_document_count": {"type": ["integer", "null"]},
    "last_incremental_sync_scheduled_at": NULLABLE_DATE,
    "last_indexed_document_count": {"type": ["integer", "null"]},
    "last_sync_error": NULLABLE_STRING,
    "last_sync_scheduled_at": NULLABLE_DATE,
    "last_sync_status": enum_of(SyncStatus, nullable=True),
    "last_synced": NULLABLE_DATE,
}

CONNECTOR = _object(
    {
        "id": STRING,
        "api_key_id": NULLABLE_STRING,
        "api_key_secret_id": NULLABLE_STRING,
        "configuration": CONFIGURATION,
        "custom_scheduling": ANY_OBJECT,
        "deleted": BOOLEAN,
        "description": NULLABLE_STRING,
        "error": NULLABLE_STRING,
        "features": _stored(FEATURES),
        "filtering": {"type": "array", "items": _stored(CONNECTOR_FILTERING)},
        "index_name": NULLABLE_STRING,
        "is_native": BOOLEAN,
        "language": NULLABLE_STRING,
        "last_seen": NULLABLE_DATE,
        **_LAST_SYNC,
        "name": NULLABLE_STRING,
        "pipeline": _stored(PIPELINE),
        "scheduling": _stored(SCHEDULING),
        "service_type": NULLABLE_STRING,
        "status": enum_of(ConnectorStatus),
        "sync_cursor": {},
        "sync_now": BOOLEAN,
    },
    "id",
    description="A connector document as stored, with its id.",
)

SYNC_JOB_CONNECTOR = _object(
    {
        "id": STRING,
        "configuration": CONFIGURATION,
        "filtering": _stored(FILTERING_RULES),
        "index_name": STRING,
        "language": STRING,
        "pipeline": _stored(PIPELINE),
        "service_type": STRING,
        "sync_cursor": {},
    },
    "id",
    description="The connector as it was when the job was created (`filtering` is its active filtering).",
)

SYNC_JOB = _object(
    {
        "id": STRING,
        "cancelation_requested_at": NULLABLE_DATE,
        "canceled_at": NULLABLE_DATE,
        "completed_at": NULLABLE_DATE,
        "connector": ref("SyncJobConnector"),
        "created_at": DATE,
        "deleted_document_count": COUNT,
        "error": NULLABLE_STRING,
        "indexed_document_count": COUNT,
        "indexed_document_volume": COUNT,
        "job_type": enum_of(SyncJobType),
        "last_seen": NULLABLE_DATE,
        "metadata": ANY_OBJECT,
        "started_at": NULLABLE_DATE,
        "status": enum_of(SyncStatus),
        "total_document_count": COUNT,
        "trigger_method": enum_of(SyncJobTriggerMethod),
        "worker_hostname": NULLABLE_STRING,
    },
    "id",
    description="A sync job document as stored, with its id.",
)

ERROR_CAUSE: JsonSchema = _object(
    {"type": STRING, "reason": NULLABLE_STRING, "caused_by": ref("ErrorCause")},
    "type",
    description="One exception; Elasticsearch adds exception-specific members.",
    filtered=False,
)

ERROR: JsonSchema = _object(
    {
        "error": {
            "allOf": [ref("ErrorCause")],
            "properties": {"root_cause": {"type": "array", "items": ref("ErrorCause")}},
            "required": ["root_cause", "type", "reason"],
        },
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
    },
    "error",
    "status",
    description="Elasticsearch's error envelope: the error, its causes, the innermost of them and the HTTP status.",
    filtered=False,
)

RESPONSES: dict[str, JsonSchema] = {
    "Connector": CONNECTOR,
    "SyncJobConnector": SYNC_JOB_CONNECTOR,
    "SyncJob": SYNC_JOB,
    "ConnectorPage": _object(
        {"count": COUNT, "results": {"type": "array", "items": ref("Connector")}}, "count", "results"
    ),
    "SyncJobPage": _object({"count": COUNT, "results": {"type": "array", "items": ref("SyncJob")}}, "count", "results"),
    "WriteResult": _object(
        {"result": enum_of(("created", "updated", "deleted", "not_found", "noop"))},
        "result",
        description="The outcome of a write: `noop` when nothing changed.",
    ),
    "IdAndResult": _object({"id": STRING, "result": enum_of(("created", "updated"))}, "id", "result"),
    "GeneratedId": _object({"id": STRING}, "id"),
    "Acknowledged": _object({"acknowledged": BOOLEAN}, "acknowledged"),
    "Deleted": _object({"deleted": BOOLEAN}, "deleted"),
    "Secret": _object({"id": STRING, "value": STRING}, "id", "value"),
    "ErrorCause": ERROR_CAUSE,
    "Error": ERROR,
    "AnyObject": ANY_OBJECT,
    "Text": STRING,
    "RootInfo": _object(
        {
            "name": STRING,
            "cluster_name": STRING,
            "cluster_uuid": STRING,
            "version": _object({"number": STRING}, "number"),
            "tagline": STRING,
        },
        "name",
        "cluster_name",
        "cluster_uuid",
        "version",
        "tagline",
    ),
    "ClusterHealth": _object(
        {
            "cluster_name": STRING,
            "status": enum_of(("green", "yellow", "red")),
            "timed_out": BOOLEAN,
            "number_of_nodes": COUNT,
            "active_shards_percent_as_number": {"type": "number"},
        },
        "cluster_name",
        "status",
        "timed_out",
        description="Elasticsearch's cluster health body; the storage stands for the shards.",
    ),
    "CreatedApiKey": _object(
        {"id": STRING, "name": STRING, "expiration": {"type": "integer"}, "api_key": STRING, "encoded": STRING},
        "id",
        "name",
        "api_key",
        "encoded",
        description="`encoded` is what the `Authorization: ApiKey` header takes; `expiration` is in epoch ms.",
    ),
    "InvalidatedApiKeys": _object(
        {
            "invalidated_api_keys": {"type": "array", "items": STRING},
            "previously_invalidated_api_keys": {"type": "array", "items": STRING},
            "error_count": COUNT,
        },
        "invalidated_api_keys",
        "previously_invalidated_api_keys",
        "error_count",
    ),
    "Authenticated": _object(
        {"username": STRING, "roles": {"type": "array", "items": STRING}, "authentication_type": STRING},
        "username",
        "roles",
        "authentication_type",
    ),
}
