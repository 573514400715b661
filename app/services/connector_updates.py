"""Connector partial updates: check-in, status, error, name, API key, pipeline, index name,
service type, native flag, scheduling and features.

Each one validates the request as Elasticsearch's `validate()` does (every problem reported
at once, the path id's first), then hands `update_connector` a pure transform. Rules that
depend on the stored connector (existence, soft deletion, the state machine, the `content-`
prefix of native connectors) run inside that transform, so they are checked against exactly
the version that gets written. Endpoints that Elasticsearch implements as a plain partial
update apply to soft-deleted connectors too; those that fetch the connector first 404.
"""

from __future__ import annotations

from typing import Any

from app.dates import now
from app.domain.connector_states import (
    check_transition,
    status_after_error,
    status_after_native_change,
    status_after_service_type_change,
)
from app.domain.index_names import NATIVE_CONNECTOR_INDEX_PREFIX, index_name_problem
from app.domain.models import ConnectorStatus, parse_enum
from app.errors import ActionRequestValidation, StatusError
from app.services.connectors import ensure_index_name_free, live, require_connector_id, update_connector
from storage import Storage
from storage.documents import Transform as Transform  # re-exported: other services import it from here
from storage.documents import UpdateResult, merge_partial

SCHEDULE_KINDS = ("access_control", "full", "incremental")
BOTH_NULL = "{} cannot both be [null]. Please provide a value for at least one of them."


def validate(connector_id: str, *problems: str | None) -> None:
    """Elasticsearch's `validate()`: the path id's problem first, then the request's own."""
    found = [problem for problem in problems if problem]
    try:
        require_connector_id(connector_id)
    except ActionRequestValidation as error:
        raise ActionRequestValidation(*error.messages, *found) from None
    if found:
        raise ActionRequestValidation(*found)


def _patch(patch: dict[str, Any]) -> Transform:
    return lambda source: merge_partial(source, patch)


def _stored_status(source: dict[str, Any]) -> ConnectorStatus:
    return parse_enum(ConnectorStatus, str(source.get("status")))


async def check_in(storage: Storage, connector_id: str) -> UpdateResult:
    """Record that the connector service is alive: `last_seen` becomes now."""
    validate(connector_id)
    return await update_connector(storage, connector_id, _patch({"last_seen": now()}))


async def update_status(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Move the connector to `status`, if the state machine allows it from the stored status."""
    new: ConnectorStatus | None = fields.get("status")
    validate(connector_id, "[status] cannot be [null]." if new is None else None)
    assert new is not None

    def transform(source: dict[str, Any]) -> dict[str, Any]:
        check_transition(_stored_status(source), new)
        return merge_partial(source, {"status": new.value})

    return await update_connector(storage, connector_id, live(connector_id, transform))


async def update_error(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Set or clear `error`; the status follows (`error`, or `connected` when cleared)."""
    validate(connector_id)
    error = fields["error"]
    patch = {"error": error, "status": status_after_error(error).value}
    return await update_connector(storage, connector_id, _patch(patch))


async def update_name(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Set `name` and/or `description`; a null leaves the stored value as it is."""
    patch = _non_null(fields)
    validate(connector_id, None if patch else BOTH_NULL.format("[name] and [description]"))
    return await update_connector(storage, connector_id, _patch(patch))


async def update_api_key_id(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Set `api_key_id` and/or `api_key_secret_id`; a null leaves the stored value as it is."""
    patch = _non_null(fields)
    validate(connector_id, None if patch else BOTH_NULL.format("[api_key_id] and [api_key_secret_id]"))
    return await update_connector(storage, connector_id, _patch(patch))


def _non_null(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


async def update_pipeline(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Replace the ingest pipeline settings (all four keys are always given)."""
    validate(connector_id)
    return await update_connector(storage, connector_id, _patch({"pipeline": fields["pipeline"]}))


async def update_index_name(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Attach the connector to an index no other live connector uses, or detach it (null).

    Checks run in Elasticsearch's order: name syntax, name in use, connector exists, then the
    `content-` prefix a native connector's index needs.
    """
    index_name: str | None = fields["index_name"]
    validate(connector_id, index_name_problem(index_name) if index_name is not None else None)
    if index_name is not None:
        await ensure_index_name_free(storage, index_name, connector_id)

    def transform(source: dict[str, Any]) -> dict[str, Any]:
        if source.get("is_native") is True and index_name is not None and not _is_managed_index(index_name):
            raise StatusError(
                "Index attached to an Elastic-managed connector must start with the prefix: "
                f"[{NATIVE_CONNECTOR_INDEX_PREFIX}]. The index name in the payload [{index_name}] "
                "doesn't comply with this requirement."
            )
        return merge_partial(source, {"index_name": index_name})

    return await update_connector(storage, connector_id, live(connector_id, transform))


def _is_managed_index(index_name: str) -> bool:
    return index_name.startswith(NATIVE_CONNECTOR_INDEX_PREFIX)


async def update_service_type(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Set `service_type`; a connector past `created` must then be configured again."""
    service_type: str = fields["service_type"]
    validate(connector_id, None if service_type else '[service_type] cannot be [null] or [""].')

    def transform(source: dict[str, Any]) -> dict[str, Any]:
        status = status_after_service_type_change(_stored_status(source))
        return merge_partial(source, {"service_type": service_type, "status": status.value})

    return await update_connector(storage, connector_id, live(connector_id, transform))


async def update_native(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Set `is_native`; becoming native needs a `content-` index, and a connected one must reconnect."""
    is_native: bool = fields["is_native"]
    validate(connector_id)

    def transform(source: dict[str, Any]) -> dict[str, Any]:
        index_name = source.get("index_name")
        if is_native and index_name is not None and not _is_managed_index(index_name):
            raise StatusError(
                f"The index name [{index_name}] attached to the connector [{connector_id}] must start with the "
                f"required prefix: [{NATIVE_CONNECTOR_INDEX_PREFIX}] to be Elastic-managed. Please update the "
                "attached index first to comply with this requirement."
            )
        status = status_after_native_change(_stored_status(source))
        return merge_partial(source, {"is_native": is_native, "status": status.value})

    return await update_connector(storage, connector_id, live(connector_id, transform))


async def update_scheduling(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Merge the given schedules into `scheduling`; the others are kept.

    Elasticsearch rejects a body holding only `access_control` (its check tests `incremental`
    twice), although its own message names `access_control` as enough; we accept it.
    """
    scheduling: dict[str, Any] = fields["scheduling"]
    validate(
        connector_id,
        None
        if any(kind in scheduling for kind in SCHEDULE_KINDS)
        else "[scheduling] object needs to define at least one schedule type: [full | incremental | access_control]",
    )
    return await update_connector(storage, connector_id, _patch({"scheduling": scheduling}))


async def update_features(storage: Storage, connector_id: str, fields: dict[str, Any]) -> UpdateResult:
    """Merge the given feature flags into `features`; the others are kept.

    Elasticsearch parses a body without `features` and then fails with a 500; we answer 400.
    """
    features: dict[str, Any] | None = fields.get("features")
    validate(connector_id, "[features] cannot be [null]." if features is None else None)
    return await update_connector(storage, connector_id, _patch({"features": features}))
