"""The sync-job state machine, pair by pair, against Elasticsearch's `ConnectorSyncJobStateMachine`."""

from __future__ import annotations

import itertools

import pytest

from app.domain.models import SyncStatus
from app.domain.sync_job_states import VALID_TRANSITIONS, check_transition, is_valid_transition
from app.errors import StatusError

# Written out from Elasticsearch's table, independently of VALID_TRANSITIONS.
ALLOWED = {
    ("pending", "in_progress"),
    ("pending", "canceled"),
    ("in_progress", "canceling"),
    ("in_progress", "completed"),
    ("in_progress", "suspended"),
    ("in_progress", "error"),
    ("suspended", "in_progress"),
    ("suspended", "canceled"),
    ("canceling", "canceled"),
    ("canceling", "error"),
}

PAIRS = list(itertools.product(SyncStatus, repeat=2))


def test_every_status_has_a_row() -> None:
    assert set(VALID_TRANSITIONS) == set(SyncStatus)


def test_final_statuses_allow_no_transition() -> None:
    for final in (SyncStatus.COMPLETED, SyncStatus.CANCELED, SyncStatus.ERROR):
        assert VALID_TRANSITIONS[final] == frozenset()


@pytest.mark.parametrize(("current", "next_status"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_transition_is_allowed_exactly_when_elasticsearch_allows_it(
    current: SyncStatus, next_status: SyncStatus
) -> None:
    allowed = (current.value, next_status.value) in ALLOWED
    assert is_valid_transition(current, next_status) is allowed
    if allowed:
        check_transition(current, next_status)
        return
    with pytest.raises(StatusError) as raised:
        check_transition(current, next_status)
    reason = (
        f"Invalid transition attempt from [{current.value}] to [{next_status.value}]. "
        "Such a ConnectorSyncStatus transition is not supported by the Connector Protocol."
    )
    assert raised.value.render() == {
        "error": {
            "root_cause": [{"type": "status_exception", "reason": reason}],
            "type": "status_exception",
            "reason": reason,
            "caused_by": {"type": "connector_sync_job_invalid_status_transition_exception", "reason": reason},
        },
        "status": 400,
    }
