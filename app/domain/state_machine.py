"""A status state machine kept as data: a table of allowed moves and Elasticsearch's error."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Generic, TypeVar

from app.errors import ElasticsearchError, StatusError

S = TypeVar("S", bound=StrEnum)


class StateMachine(Generic[S]):
    """`transitions[a]` holds every status `a` may move to; anything else is refused.

    `kind` names the status in the error, as Elasticsearch does ("status" for connectors,
    "ConnectorSyncStatus" for sync jobs); `cause` is the plain exception it chains below.
    """

    def __init__(self, transitions: Mapping[S, frozenset[S]], kind: str, cause: type[ElasticsearchError]) -> None:
        self.transitions = transitions
        self.kind = kind
        self.cause = cause

    def allows(self, current: S, new: S) -> bool:
        return new in self.transitions.get(current, frozenset())

    def check(self, current: S, new: S) -> None:
        """Return if `current` may become `new`, else raise Elasticsearch's 400 `status_exception`."""
        if self.allows(current, new):
            return
        reason = (
            f"Invalid transition attempt from [{current.value}] to [{new.value}]. "
            f"Such a {self.kind} transition is not supported by the Connector Protocol."
        )
        raise StatusError(reason, caused_by=self.cause(reason))
