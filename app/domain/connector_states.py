"""The connector status state machine (Elasticsearch's `ConnectorStateMachine`), kept as data.

Only `PUT _connector/<id>/_status` enforces it. Other endpoints change the status as a side
effect without consulting it; those implied rules are here too, so every rule about the
status lives in one place.
"""

from __future__ import annotations

from app.domain.models import ConnectorStatus
from app.domain.state_machine import StateMachine
from app.errors import BadRequest

CREATED = ConnectorStatus.CREATED
NEEDS_CONFIGURATION = ConnectorStatus.NEEDS_CONFIGURATION
CONFIGURED = ConnectorStatus.CONFIGURED
CONNECTED = ConnectorStatus.CONNECTED
ERROR = ConnectorStatus.ERROR

VALID_TRANSITIONS: dict[ConnectorStatus, frozenset[ConnectorStatus]] = {
    CREATED: frozenset({NEEDS_CONFIGURATION, ERROR}),
    NEEDS_CONFIGURATION: frozenset({CONFIGURED, ERROR}),
    CONFIGURED: frozenset({NEEDS_CONFIGURATION, CONFIGURED, CONNECTED, ERROR}),
    CONNECTED: frozenset({CONNECTED, CONFIGURED, ERROR}),
    ERROR: frozenset({CONNECTED, CONFIGURED, ERROR}),
}


class ConnectorInvalidStatusTransition(BadRequest):
    """The cause Elasticsearch chains under the `status_exception` (a plain checked exception)."""

    type = "connector_invalid_status_transition_exception"
    is_elasticsearch_exception = False


CONNECTOR_STATES = StateMachine(VALID_TRANSITIONS, "status", ConnectorInvalidStatusTransition)
is_valid_transition = CONNECTOR_STATES.allows
check_transition = CONNECTOR_STATES.check


def status_after_error(error: str | None) -> ConnectorStatus:
    """`_error`: a non-empty error means `error`; clearing it (null or "") means `connected`."""
    return ERROR if error else CONNECTED


def status_after_service_type_change(current: ConnectorStatus) -> ConnectorStatus:
    """`_service_type`: a connector still `created` stays so; any other must be configured again."""
    return CREATED if current is CREATED else NEEDS_CONFIGURATION


def status_after_native_change(current: ConnectorStatus) -> ConnectorStatus:
    """`_native`: a `connected` connector must reconnect, so it goes back to `configured`."""
    if current is CONNECTED and is_valid_transition(current, CONFIGURED):
        return CONFIGURED
    return current
