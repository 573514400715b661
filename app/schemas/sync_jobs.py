"""Request bodies of the sync-job endpoints, declared as Elasticsearch's parsers declare them.

Each `parse_*` returns the request as the service takes it, after Elasticsearch's `validate()`:
parsing errors come first, then the validation messages, all in Elasticsearch's order.
"""

from __future__ import annotations

from typing import Any

from app.dates import normalise_date
from app.domain.models import SyncJobTriggerMethod, SyncJobType, parse_enum
from app.domain.sync_jobs import NewSyncJob
from app.errors import ActionRequestValidation, IllegalArgument, XContentParseError
from app.jsonpos import Path
from app.parsing import NUMBER, OBJECT, STRING, Body, Field, ObjectParser, to_long
from app.parsing import parse_error as parse_error_at

EMPTY_JOB_ID = "[connector_sync_job_id] of the connector sync job cannot be null or empty."
NON_NEGATIVE = {"minimum": 0, "pattern": r"^[0-9]{1,18}$"}
"""Documentation: the counters' validation refuses negative values."""
COUNTERS = ("deleted_document_count", "indexed_document_count", "indexed_document_volume", "total_document_count")


def _instant(value: Any, _body: Body, _path: Path) -> str:
    if not isinstance(value, str):
        raise IllegalArgument("unexpected token [START_OBJECT] for [last_seen]")
    return normalise_date(value)


POST_SYNC_JOB = ObjectParser(
    "connector_sync_job_post_request",
    [
        Field("id", STRING, required=True, schema={"minLength": 1}),
        Field("job_type", STRING, enum=tuple(SyncJobType)),
        Field("trigger_method", STRING, enum=tuple(SyncJobTriggerMethod)),
    ],
)

CLAIM_SYNC_JOB = ObjectParser(
    "claim_connector_sync_job",
    [Field("worker_hostname", STRING, required=True), Field("sync_cursor", OBJECT)],
)

SYNC_JOB_ERROR = ObjectParser(
    "connector_sync_job_error_request", [Field("error", STRING, required=True, schema={"minLength": 1})]
)

SYNC_JOB_STATS = ObjectParser(
    "connector_sync_job_update_ingestion_stats",
    [
        Field("deleted_document_count", NUMBER, to_long, required=True, schema=NON_NEGATIVE),
        Field("indexed_document_count", NUMBER, to_long, required=True, schema=NON_NEGATIVE),
        Field("indexed_document_volume", NUMBER, to_long, required=True, schema=NON_NEGATIVE),
        Field("total_document_count", NUMBER, to_long, schema=NON_NEGATIVE),
        Field("last_seen", STRING | OBJECT, _instant, schema={"type": "string", "format": "date-time"}),
        Field("metadata", OBJECT),
    ],
)


def parse_post(body: Body) -> NewSyncJob:
    fields = POST_SYNC_JOB.parse(body)
    job_type, trigger_method = _build_post(fields, body)
    if not fields["id"]:
        raise ActionRequestValidation("[id] of the connector cannot be null or empty")
    return NewSyncJob(fields["id"], job_type, trigger_method)


def _build_post(fields: dict[str, Any], body: Body) -> tuple[SyncJobType, SyncJobTriggerMethod]:
    """The enums are converted when the request object is built (`ConstructingObjectParser`):
    when the last of its three fields arrives, or at the end if one is missing."""
    try:
        job_type = parse_enum(SyncJobType, fields["job_type"]) if "job_type" in fields else SyncJobType.FULL
        trigger_method = (
            parse_enum(SyncJobTriggerMethod, fields["trigger_method"])
            if "trigger_method" in fields
            else SyncJobTriggerMethod.ON_DEMAND
        )
    except IllegalArgument as error:
        failed = XContentParseError(
            f"Failed to build [{POST_SYNC_JOB.name}] after last required field arrived", caused_by=error
        )
        if len(fields) < len(POST_SYNC_JOB.fields):
            raise failed from None
        last = list(fields)[-1]
        raise parse_error_at(
            body.location((last,)), f"[{POST_SYNC_JOB.name}] failed to parse field [{last}]", caused_by=failed
        ) from None
    return job_type, trigger_method


def check_job_id(job_id: str, *messages: str) -> None:
    """Elasticsearch's `validate()`: an empty path id first, then the body's own problems."""
    problems = ([EMPTY_JOB_ID] if not job_id else []) + [message for message in messages if message]
    if problems:
        raise ActionRequestValidation(*problems)


def parse_claim(job_id: str, body: Body) -> tuple[str, dict[str, Any] | None]:
    fields = CLAIM_SYNC_JOB.parse(body)
    check_job_id(job_id)
    return fields["worker_hostname"], fields.get("sync_cursor")


def parse_error(job_id: str, body: Body) -> str:
    error: str = SYNC_JOB_ERROR.parse(body)["error"]
    check_job_id(job_id, "" if error else "[error] of the connector sync job cannot be null or empty")
    return error


def parse_stats(job_id: str, body: Body) -> dict[str, Any]:
    stats = SYNC_JOB_STATS.parse(body)
    negative = [f"[{name}] cannot be negative." for name in COUNTERS if stats.get(name) is not None and stats[name] < 0]
    check_job_id(job_id, *negative)
    return stats
