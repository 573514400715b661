"""The connector status state machine (Elasticsearch's `ConnectorStateMachine`), kept as data.

Only `PUT _connector/<id>/_status` enforces it. Other endpoints change the status as a side
effect without consulting it; those implied rules are here too, so every rule about the
status lives in one place.
"""

from __future__ import annotations

from app.domain.models import ConnectorStatus
from app.errors import BadRequest, StatusError

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


def is_valid_transition(current: ConnectorStatus, new: ConnectorStatus) -> bool:
    return new in VALID_TRANSITIONS.get(current, frozenset())


def check_transition(current: ConnectorStatus, new: ConnectorStatus) -> None:
    """Raise Elasticsearch's 400 `status_exception` unless `current` may become `new`."""
    if is_valid_transition(current, new):
        return
    reason = (
        f"Invalid transition attempt from [{current.value}] to [{new.value}]. "
        "Such a status transition is not supported by the Connector Protocol."
    )
    raise StatusError(reason, caused_by=ConnectorInvalidStatusTransition(reason))


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
