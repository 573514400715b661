"""Wire values of the Connector API's enumerations, and their case-insensitive parsing."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from app.errors import IllegalArgument


class ConnectorStatus(StrEnum):
    CREATED = "created"
    NEEDS_CONFIGURATION = "needs_configuration"
    CONFIGURED = "configured"
    CONNECTED = "connected"
    ERROR = "error"


class SyncStatus(StrEnum):
    CANCELING = "canceling"
    CANCELED = "canceled"
    COMPLETED = "completed"
    ERROR = "error"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"
    SUSPENDED = "suspended"


class SyncJobType(StrEnum):
    FULL = "full"
    INCREMENTAL = "incremental"
    ACCESS_CONTROL = "access_control"


class SyncJobTriggerMethod(StrEnum):
    ON_DEMAND = "on_demand"
    SCHEDULED = "scheduled"


E = TypeVar("E", bound=StrEnum)

_UNKNOWN_MESSAGES = {
    ConnectorStatus: "Unknown ConnectorStatus: {value}",
    SyncStatus: "Unknown ConnectorSyncStatus [{value}].",
    SyncJobType: "Unknown ConnectorSyncJobType [{value}].",
    SyncJobTriggerMethod: "Unknown ConnectorSyncJobTriggerMethod [{value}].",
}


def parse_enum(enum: type[E], value: str) -> E:
    """The member whose wire value equals `value` ignoring case, else Elasticsearch's message."""
    try:
        return enum(value.lower())
    except ValueError:
        raise IllegalArgument(_UNKNOWN_MESSAGES[enum].format(value=value)) from None
