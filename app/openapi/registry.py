"""What the routes cannot say about themselves: per Quart endpoint, its body parser and replies.

Methods, paths, path and query parameters and summaries are read from the app itself (see
`app.openapi.document`); the error statuses follow from this entry and the security table.
A test keeps this table and the app's routes in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.parsing import ObjectParser
from app.schemas import configuration, connector_updates, connectors, filtering, secrets, sync_jobs
from app.security import requests as security_requests


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    schema: str | None
    """A component schema's name; None for a reply without a body."""
    description: str
    media_type: str = "application/json"


@dataclass(frozen=True, slots=True)
class Operation:
    replies: tuple[Reply, ...]
    body: ObjectParser | None = None
    optional_body: bool = False
    missing: str | None = None
    """What may not exist (a 404 names it), if anything."""
    uses_storage: bool = True
    head: bool = False
    """Document `HEAD` beside `GET` (werkzeug answers HEAD for every GET route)."""
    api: str | None = None
    """The Elasticsearch API this route implements (its REST spec name)."""
    errors: tuple[tuple[int, str], ...] = ()
    """Error statuses beside the usual ones (`app.openapi.errors`), each with when it happens."""


def _ok(schema: str, description: str) -> tuple[Reply, ...]:
    return (Reply(200, schema, description),)


UPDATED = _ok("WriteResult", "`updated`, or `noop` when nothing changed.")


def _update(api: str, body: ObjectParser | None = None, missing: str = "connector") -> Operation:
    return Operation(UPDATED, body=body, missing=missing, api=api)


_CREATED = Reply(201, "IdAndResult", "Created.")

OPERATIONS: dict[str, Operation] = {
    "meta.root": Operation(
        _ok("RootInfo", "Name and version, as Elasticsearch answers."), uses_storage=False, head=True, api="info"
    ),
    "connectors.put_connector": Operation(
        (_CREATED, Reply(200, "IdAndResult", "Replaced the connector that had this id.")),
        body=connectors.CREATE_CONNECTOR,
        optional_body=True,
        api="connector.put",
    ),
    "connectors.create_connector_with_generated_id": Operation(
        (_CREATED,), body=connectors.CREATE_CONNECTOR, optional_body=True, api="connector.post"
    ),
    "connectors.get_connector": Operation(_ok("Connector", "The connector."), missing="connector", api="connector.get"),
    "connectors.list_connectors": Operation(
        _ok("ConnectorPage", "The page and the total count."), api="connector.list"
    ),
    "connectors.delete_connector": Operation(
        _ok("Acknowledged", "Deleted."), missing="connector", api="connector.delete"
    ),
    "connectors.update_last_sync": _update("connector.last_sync", connectors.LAST_SYNC_STATS),
    "connector_updates.check_in": _update("connector.check_in"),
    "connector_updates.update_status": _update("connector.update_status", connector_updates.UPDATE_STATUS),
    "connector_updates.update_error": _update("connector.update_error", connector_updates.UPDATE_ERROR),
    "connector_updates.update_name": _update("connector.update_name", connector_updates.UPDATE_NAME),
    "connector_updates.update_api_key_id": _update("connector.update_api_key_id", connector_updates.UPDATE_API_KEY_ID),
    "connector_updates.update_pipeline": _update("connector.update_pipeline", connector_updates.UPDATE_PIPELINE),
    "connector_updates.update_index_name": _update("connector.update_index_name", connector_updates.UPDATE_INDEX_NAME),
    "connector_updates.update_service_type": _update(
        "connector.update_service_type", connector_updates.UPDATE_SERVICE_TYPE
    ),
    "connector_updates.update_native": _update("connector.update_native", connector_updates.UPDATE_NATIVE),
    "connector_updates.update_scheduling": _update("connector.update_scheduling", connector_updates.UPDATE_SCHEDULING),
    "connector_updates.update_features": _update("connector.update_features", connector_updates.UPDATE_FEATURES),
    "filtering.update_filtering": _update("connector.update_filtering", filtering.UPDATE_FILTERING),
    "filtering.update_filtering_validation": _update(
        "connector.update_filtering_validation", filtering.UPDATE_FILTERING_VALIDATION
    ),
    "filtering.activate_filtering": _update("connector.update_active_filtering"),
    "configuration.update_configuration": _update("connector.update_configuration", configuration.UPDATE_CONFIGURATION),
    "sync_jobs.post_sync_job": Operation(
        (Reply(201, "GeneratedId", "The pending job's id."),),
        body=sync_jobs.POST_SYNC_JOB,
        missing="connector",
        api="connector.sync_job_post",
    ),
    "sync_jobs.list_sync_jobs": Operation(
        _ok("SyncJobPage", "The page and the total count."), api="connector.sync_job_list"
    ),
    "sync_jobs.get_sync_job": Operation(
        _ok("SyncJob", "The sync job."), missing="sync job", api="connector.sync_job_get"
    ),
    "sync_jobs.delete_sync_job": Operation(
        _ok("Acknowledged", "Deleted."), missing="sync job", api="connector.sync_job_delete"
    ),
    "sync_jobs.cancel_sync_job": _update("connector.sync_job_cancel", missing="sync job"),
    "sync_jobs.check_in_sync_job": _update("connector.sync_job_check_in", missing="sync job"),
    "sync_jobs.claim_sync_job": _update("connector.sync_job_claim", sync_jobs.CLAIM_SYNC_JOB, "sync job"),
    "sync_jobs.set_sync_job_error": _update("connector.sync_job_error", sync_jobs.SYNC_JOB_ERROR, "sync job"),
    "sync_jobs.update_sync_job_stats": _update("connector.sync_job_update_stats", sync_jobs.SYNC_JOB_STATS, "sync job"),
    "secrets.post_secret": Operation(
        _ok("GeneratedId", "The secret's generated id."), body=secrets.POST_SECRET, api="connector.secret_post"
    ),
    "secrets.put_secret": Operation(
        (Reply(201, "WriteResult", "`created`."), Reply(200, "WriteResult", "`updated`: replaced.")),
        body=secrets.PUT_SECRET,
        api="connector.secret_put",
    ),
    "secrets.get_secret": Operation(_ok("Secret", "The secret's value."), missing="secret", api="connector.secret_get"),
    "secrets.delete_secret": Operation(_ok("Deleted", "Deleted."), missing="secret", api="connector.secret_delete"),
    "security.create_api_key": Operation(
        _ok("CreatedApiKey", "The key; its secret is shown this once."),
        body=security_requests.CREATE,
        api="security.create_api_key",
    ),
    "security.invalidate_api_key": Operation(
        _ok("InvalidatedApiKeys", "The keys invalidated now and before."),
        body=security_requests.INVALIDATE,
        api="security.invalidate_api_key",
    ),
    "security.authenticate": Operation(
        _ok("Authenticated", "The caller, as Elasticsearch describes it."),
        uses_storage=False,
        api="security.authenticate",
    ),
    "health.cluster_health": Operation(
        (
            Reply(200, "ClusterHealth", "`green`: the storage answers (or the status waited for was reached)."),
            Reply(503, "ClusterHealth", "`red`: the storage does not answer."),
        ),
        uses_storage=False,
        api="cluster.health",
    ),
    "health.prometheus_metrics": Operation(
        (Reply(200, "Text", "Prometheus's text exposition format.", "text/plain"),), uses_storage=False
    ),
    "testing.reset": Operation(_ok("Acknowledged", "Every index emptied, the seed loaded again.")),
    "docs.openapi": Operation(_ok("AnyObject", "This document."), uses_storage=False),
    "docs.docs": Operation((Reply(200, "Text", "An HTML page.", "text/html"),), uses_storage=False),
}
