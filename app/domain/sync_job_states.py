"""The sync-job state machine, kept as data: Elasticsearch's `ConnectorSyncJobStateMachine`.

A job starts `pending`; a worker claims it (`in_progress`), which may end `completed`, `error`,
`suspended` (resumable) or, through `canceling`, `canceled`. `completed`, `canceled` and `error`
are final. The endpoints that change a job's status check the move here: `_cancel`, `_error`,
and (unlike Elasticsearch, so that two workers can never both claim one job) `_claim`.
"""

from __future__ import annotations

from typing import ClassVar

from app.domain.models import SyncStatus
from app.domain.state_machine import StateMachine
from app.errors import ElasticsearchError

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


SYNC_JOB_STATES = StateMachine(VALID_TRANSITIONS, "ConnectorSyncStatus", SyncJobInvalidStatusTransition)
is_valid_transition = SYNC_JOB_STATES.allows
check_transition = SYNC_JOB_STATES.check
