"""The sync-job document: what a create writes, and the partial updates its lifecycle makes.

Pure functions: each update is returned as a patch for Elasticsearch's partial-update merge,
after the state machine (`sync_job_states`) has approved the status change it implies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.models import SyncJobTriggerMethod, SyncJobType, SyncStatus
from app.domain.sync_job_states import check_transition
from app.errors import StatusError

ACCESS_CONTROL_INDEX_PREFIX = ".search-acl-filter-"
"""Access-control syncs write to their own index (`ConnectorTemplateRegistry`)."""


@dataclass(frozen=True, slots=True)
class NewSyncJob:
    """A create request: which connector to sync, how, and who asked."""

    connector_id: str
    job_type: SyncJobType = SyncJobType.FULL
    trigger_method: SyncJobTriggerMethod = SyncJobTriggerMethod.ON_DEMAND


def connector_snapshot(connector_id: str, connector: Mapping[str, Any], job_type: SyncJobType) -> dict[str, Any]:
    """The part of the connector a job records: the active filtering of `filtering[0]` only,
    the target index, language, pipeline, service type and configuration; nulls left out."""
    index_name = connector.get("index_name")
    if job_type is SyncJobType.ACCESS_CONTROL and index_name is not None:
        index_name = ACCESS_CONTROL_INDEX_PREFIX + index_name
    snapshot = {
        "id": connector_id,
        "filtering": _active_filtering(connector.get("filtering")),
        "index_name": index_name,
        "language": connector.get("language"),
        "pipeline": connector.get("pipeline"),
        "service_type": connector.get("service_type"),
        "configuration": connector.get("configuration") or {},
    }
    return {key: value for key, value in snapshot.items() if value is not None}


def _active_filtering(filtering: Any) -> Any:
    if isinstance(filtering, list) and filtering and isinstance(filtering[0], Mapping):
        return filtering[0].get("active")
    return None


def check_syncable(connector_id: str, connector: Mapping[str, Any]) -> None:
    """A sync needs an index to write to and a service type to read from."""
    if not connector.get("index_name"):
        raise StatusError(
            f"Cannot start a sync for connector [{connector_id}] with no index attached. "
            "Set the [index_name] property for the connector to enable syncing data."
        )
    if not connector.get("service_type"):
        raise StatusError(
            f"Cannot start a sync for connector [{connector_id}] with [service_type] not defined. "
            "Set the service type of your connector before starting the sync."
        )


def new_sync_job(request: NewSyncJob, connector: Mapping[str, Any], timestamp: str) -> dict[str, Any]:
    """The document a create writes: a pending job holding a snapshot of its connector."""
    check_syncable(request.connector_id, connector)
    return {
        "connector": connector_snapshot(request.connector_id, connector, request.job_type),
        "created_at": timestamp,
        "deleted_document_count": 0,
        "indexed_document_count": 0,
        "indexed_document_volume": 0,
        "job_type": request.job_type.value,
        "last_seen": timestamp,
        "metadata": {},
        "status": SyncStatus.PENDING.value,
        "total_document_count": 0,
        "trigger_method": request.trigger_method.value,
    }


def status_of(job: Mapping[str, Any]) -> SyncStatus:
    return SyncStatus(job["status"])


def cancel_patch(current: SyncStatus, timestamp: str) -> dict[str, Any]:
    """A job that is not running is canceled at once; a running one is asked to stop."""
    if current in (SyncStatus.PENDING, SyncStatus.SUSPENDED):
        check_transition(current, SyncStatus.CANCELED)
        return {
            "status": SyncStatus.CANCELED.value,
            "cancelation_requested_at": timestamp,
            "canceled_at": timestamp,
            "completed_at": timestamp,
        }
    check_transition(current, SyncStatus.CANCELING)
    return {"status": SyncStatus.CANCELING.value, "cancelation_requested_at": timestamp}


def claim_patch(
    current: SyncStatus, worker_hostname: str, sync_cursor: dict[str, Any] | None, timestamp: str
) -> dict[str, Any]:
    """A worker takes the job; its cursor goes into the job's connector snapshot only."""
    check_transition(current, SyncStatus.IN_PROGRESS)
    patch: dict[str, Any] = {
        "worker_hostname": worker_hostname,
        "status": SyncStatus.IN_PROGRESS.value,
        "last_seen": timestamp,
        "started_at": timestamp,
    }
    if sync_cursor is not None:
        patch["connector"] = {"sync_cursor": sync_cursor}
    return patch


def error_patch(current: SyncStatus, error: str) -> dict[str, Any]:
    check_transition(current, SyncStatus.ERROR)
    return {"error": error, "status": SyncStatus.ERROR.value}


def stats_patch(stats: Mapping[str, Any], timestamp: str) -> dict[str, Any]:
    """The three counters always; the total and metadata when given; `last_seen` defaults to now."""
    patch = {
        "deleted_document_count": stats["deleted_document_count"],
        "indexed_document_count": stats["indexed_document_count"],
        "indexed_document_volume": stats["indexed_document_volume"],
    }
    if stats.get("total_document_count") is not None:
        patch["total_document_count"] = stats["total_document_count"]
    patch["last_seen"] = stats.get("last_seen") or timestamp
    if stats.get("metadata") is not None:
        patch["metadata"] = stats["metadata"]
    return patch
