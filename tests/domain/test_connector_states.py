"""The connector state machine, over every (from, to) pair, against Elasticsearch's table."""

from __future__ import annotations

import itertools

import pytest

from app.domain.connector_states import (
    VALID_TRANSITIONS,
    check_transition,
    status_after_error,
    status_after_native_change,
    status_after_service_type_change,
)
from app.domain.models import ConnectorStatus
from app.errors import StatusError

CREATED = ConnectorStatus.CREATED
NEEDS_CONFIGURATION = ConnectorStatus.NEEDS_CONFIGURATION
CONFIGURED = ConnectorStatus.CONFIGURED
CONNECTED = ConnectorStatus.CONNECTED
ERROR = ConnectorStatus.ERROR

# `ConnectorStateMachine.VALID_TRANSITIONS`, written out independently of the module under test.
ALLOWED = {
    (CREATED, NEEDS_CONFIGURATION),
    (CREATED, ERROR),
    (NEEDS_CONFIGURATION, CONFIGURED),
    (NEEDS_CONFIGURATION, ERROR),
    (CONFIGURED, NEEDS_CONFIGURATION),
    (CONFIGURED, CONFIGURED),
    (CONFIGURED, CONNECTED),
    (CONFIGURED, ERROR),
    (CONNECTED, CONFIGURED),
    (CONNECTED, CONNECTED),
    (CONNECTED, ERROR),
    (ERROR, CONFIGURED),
    (ERROR, CONNECTED),
    (ERROR, ERROR),
}

PAIRS = [
    pytest.param(current, new, (current, new) in ALLOWED, id=f"{current.value}->{new.value}")
    for current, new in itertools.product(ConnectorStatus, repeat=2)
]


def test_table_covers_every_status() -> None:
    assert set(VALID_TRANSITIONS) == set(ConnectorStatus)


@pytest.mark.parametrize(("current", "new", "allowed"), PAIRS)
def test_transition_is_allowed_exactly_when_elasticsearch_allows_it(
    current: ConnectorStatus, new: ConnectorStatus, allowed: bool
) -> None:
    if allowed:
        check_transition(current, new)
        return
    with pytest.raises(StatusError) as raised:
        check_transition(current, new)
    reason = (
        f"Invalid transition attempt from [{current.value}] to [{new.value}]. "
        "Such a status transition is not supported by the Connector Protocol."
    )
    assert raised.value.render() == {
        "error": {
            "root_cause": [{"type": "status_exception", "reason": reason}],
            "type": "status_exception",
            "reason": reason,
            "caused_by": {"type": "connector_invalid_status_transition_exception", "reason": reason},
        },
        "status": 400,
    }


@pytest.mark.parametrize(("error", "status"), [("boom", ERROR), (" ", ERROR), ("", CONNECTED), (None, CONNECTED)])
def test_setting_an_error_means_error_and_clearing_it_means_connected(
    error: str | None, status: ConnectorStatus
) -> None:
    assert status_after_error(error) is status


@pytest.mark.parametrize(
    ("current", "after"),
    [(CREATED, CREATED)] + [(status, NEEDS_CONFIGURATION) for status in ConnectorStatus if status is not CREATED],
)
def test_changing_the_service_type_keeps_created_and_otherwise_needs_configuration(
    current: ConnectorStatus, after: ConnectorStatus
) -> None:
    assert status_after_service_type_change(current) is after


@pytest.mark.parametrize(
    ("current", "after"),
    [(CONNECTED, CONFIGURED)] + [(status, status) for status in ConnectorStatus if status is not CONNECTED],
)
def test_changing_the_native_flag_sends_a_connected_connector_back_to_configured(
    current: ConnectorStatus, after: ConnectorStatus
) -> None:
    assert status_after_native_change(current) is after
