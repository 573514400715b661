"""Request bodies of the connector endpoints, declared as Elasticsearch's parsers declare them."""

from __future__ import annotations

from app.domain.models import SyncStatus, parse_enum
from app.jsonpos import Path
from app.parsing import BOOLEAN, NULL, NUMBER, OBJECT, STRING, Body, Field, ObjectParser, to_boolean, to_date, to_long

INDEX_NAME = {
    "pattern": r'^(?![_+-])(?!\.\.?$)[^\\/*?"<>| ,#:]{1,255}$',
    "description": 'An index name: not `.` or `..`, no `\\ / * ? " < > | , # :` or space, not starting with '
    "`_`, `-` or `+`, at most 255 bytes; an Elastic-managed connector's starts with `content-`.",
}
"""Documentation: the rules `app.domain.index_names` checks."""


def _sync_status(value: str, _body: Body, _path: Path) -> str:
    return parse_enum(SyncStatus, value).value


CREATE_CONNECTOR = ObjectParser(
    "connector_put_request",
    [
        Field("description", STRING),
        Field("index_name", STRING | NULL, schema=INDEX_NAME),
        Field("is_native", BOOLEAN, to_boolean),
        Field("language", STRING),
        Field("name", STRING),
        Field("service_type", STRING),
    ],
)

LAST_SYNC_STATS = ObjectParser(
    "connector_update_last_sync_stats_request",
    [
        Field("last_access_control_sync_error", STRING | NULL),
        Field("last_access_control_sync_scheduled_at", STRING | NULL, to_date),
        Field("last_access_control_sync_status", STRING | NULL, _sync_status, enum=tuple(SyncStatus)),
        Field("last_deleted_document_count", NUMBER, to_long),
        Field("last_incremental_sync_scheduled_at", STRING | NULL, to_date),
        Field("last_indexed_document_count", NUMBER, to_long),
        Field("last_sync_error", STRING | NULL),
        Field("last_sync_scheduled_at", STRING | NULL, to_date),
        Field("last_sync_status", STRING | NULL, _sync_status, enum=tuple(SyncStatus)),
        Field("last_synced", STRING | NULL, to_date),
        Field("sync_cursor", OBJECT | NULL),
    ],
)
