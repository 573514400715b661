"""Connector filtering: replace it, edit its draft, record the draft's validation, activate it.

Replacing the whole `filtering` list is a plain partial update in Elasticsearch, so it applies
to soft-deleted connectors too. The draft operations fetch the connector first (404 when it is
missing or soft-deleted) and rewrite the first filtering configuration: they run as pure
transforms inside `update_connector`, so each one reads and writes the same version and two
writers on different fields never lose each other's change.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from app.dates import now
from app.domain.filtering import activate_draft, edit_draft, filtering_config, with_draft_validation
from app.services.connector_updates import Transform, validate
from app.services.connectors import live, update_connector
from storage import Storage
from storage.documents import UpdateResult, merge_partial

NEITHER_DRAFT_PART = "[advanced_snippet] and [rules] cannot be both [null]."
FILTERING_AND_DRAFT = (
    "If [filtering] is specified, [rules] and [advanced_snippet] should not be present in the request body."
)


def _draft_problem(fields: dict[str, Any]) -> str | None:
    draft_given = fields.get("rules") is not None or fields.get("advanced_snippet") is not None
    if fields.get("filtering") is None:
        return None if draft_given else NEITHER_DRAFT_PART
    return FILTERING_AND_DRAFT if draft_given else None


def _rewrite_config(connector_id: str, change: Transform, timestamp: str) -> Transform:
    """Apply `change` to the first filtering configuration of a live connector; the list keeps only it."""

    def transform(source: dict[str, Any]) -> dict[str, Any]:
        return merge_partial(source, {"filtering": [change(filtering_config(source, timestamp))]})

    return live(connector_id, transform)


async def update_filtering(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Replace the whole `filtering` list, or edit the draft's rules and/or advanced snippet."""
    validate(connector_id, _draft_problem(fields))
    if fields.get("filtering") is not None:
        patch = {"filtering": fields["filtering"]}
        return await update_connector(storage, connector_id, lambda source: merge_partial(source, patch))
    timestamp = now()
    change = partial(
        edit_draft, rules=fields.get("rules"), advanced_snippet=fields.get("advanced_snippet"), timestamp=timestamp
    )
    return await update_connector(storage, connector_id, _rewrite_config(connector_id, change, timestamp))


async def update_filtering_validation(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Record the connector service's verdict on the draft; rules and snippet are kept."""
    validate(connector_id)
    change = partial(with_draft_validation, validation=fields["validation"])
    return await update_connector(storage, connector_id, _rewrite_config(connector_id, change, now()))


async def activate_filtering(storage: Storage, connector_id: str) -> UpdateResult:
    """Make the draft the active filtering, once the connector service has found it valid."""
    validate(connector_id)
    return await update_connector(storage, connector_id, _rewrite_config(connector_id, activate_draft, now()))
