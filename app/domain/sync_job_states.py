"""The sync-job state machine, kept as data: Elasticsearch's `ConnectorSyncJobStateMachine`.

A job starts `pending`; a worker claims it (`in_progress`), which may end `completed`, `error`,
`suspended` (resumable) or, through `canceling`, `canceled`. `completed`, `canceled` and `error`
are final. The endpoints that change a job's status check the move here: `_cancel`, `_error`,
and (unlike Elasticsearch, so that two workers can never both claim one job) `_claim`.
"""

from __future__ import annotations

from typing import ClassVar

from app.domain.models import SyncStatus
from app.errors import ElasticsearchError, StatusError

VALID_TRANSITIONS: dict[SyncStatus, frozenset[SyncStatus]] = {
    SyncStatus.PENDING: frozenset({SyncStatus.IN_PROGRESS, SyncStatus.CANCELED}),
    SyncStatus.IN_PROGRESS: frozenset(
        {SyncStatus.CANCELING, SyncStatus.COMPLETED, SyncStatus.SUSPENDED, SyncStatus.ERROR}
    ),
    SyncStatus.COMPLETED: frozenset(),
    SyncStatus.SUSPENDED: frozenset({SyncStatus.IN_PROGRESS, SyncStatus.CANCELED}),
    SyncStatus.CANCELING: frozenset({SyncStatus.CANCELED, SyncStatus.ERROR}),
    SyncStatus.CANCELED: frozenset(),
    SyncStatus.ERROR: frozenset(),
}


class SyncJobInvalidStatusTransition(ElasticsearchError):
    """The plain Java exception Elasticsearch wraps in its `status_exception` (so not a root cause)."""

    type: ClassVar[str] = "connector_sync_job_invalid_status_transition_exception"
    status: ClassVar[int] = 400
    is_elasticsearch_exception: ClassVar[bool] = False


def is_valid_transition(current: SyncStatus, next_status: SyncStatus) -> bool:
    return next_status in VALID_TRANSITIONS.get(current, frozenset())


def check_transition(current: SyncStatus, next_status: SyncStatus) -> None:
    """Return if a job may move from `current` to `next_status`, else raise Elasticsearch's 400."""
    if is_valid_transition(current, next_status):
        return
    message = (
        f"Invalid transition attempt from [{current.value}] to [{next_status.value}]. "
        "Such a ConnectorSyncStatus transition is not supported by the Connector Protocol."
    )
    raise StatusError(message, caused_by=SyncJobInvalidStatusTransition(message))
