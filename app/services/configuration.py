"""Connector configuration: replace the whole schema, or set the values of known fields.

Both modes fetch the connector first (404 when missing or soft-deleted) and set its status to
`configured` without consulting the state machine, as Elasticsearch does. Values go in as a
partial update of `configuration.<key>.value`, so an object value merges into the stored one.
The unknown-key check runs inside the transform, against the version that gets written.
"""

from __future__ import annotations

from typing import Any

from app.domain.models import ConnectorStatus
from app.errors import StatusError
from app.services.connector_updates import Transform, validate
from app.services.connectors import live, update_connector
from storage import Storage
from storage.documents import UpdateResult, merge_partial

BOTH_NULL = "[configuration] and [values] cannot both be null."
BOTH_GIVEN = "[configuration] and [values] cannot both be provided in the same request."


def _problem(configuration: Any, values: Any) -> str | None:
    if configuration is None and values is None:
        return BOTH_NULL
    if configuration is not None and values is not None:
        return BOTH_GIVEN
    return None


def _replace_schema(configuration: dict[str, Any]) -> Transform:
    return lambda source: {**source, "configuration": configuration, "status": ConnectorStatus.CONFIGURED.value}


def _set_values(values: dict[str, Any]) -> Transform:
    def transform(source: dict[str, Any]) -> dict[str, Any]:
        stored = source.get("configuration")
        known = stored if isinstance(stored, dict) else {}
        unknown = [key for key in values if key not in known]
        if unknown:
            raise StatusError(
                f"Unknown [configuration] fields in the request payload: [{', '.join(unknown)}]. "
                "Remove them from request or register their schema first."
            )
        patch = {key: {"value": value} for key, value in values.items()}
        return merge_partial(source, {"configuration": patch, "status": ConnectorStatus.CONFIGURED.value})

    return transform


async def update_configuration(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Replace `configuration` (given `configuration`) or set field values (given `values`)."""
    configuration, values = fields.get("configuration"), fields.get("values")
    validate(connector_id, _problem(configuration, values))
    transform = _replace_schema(configuration) if configuration is not None else _set_values(values or {})
    return await update_connector(storage, connector_id, live(connector_id, transform))
