"""Sync-job operations: the connector snapshot, the lifecycle, listing; storage does the rest.

Every change is a pure transform applied by `update_document`, a compare-and-set on `seq_no`,
so the state-machine check and the write are one atomic step on every backend and across
processes: of two workers claiming one pending job, the loser re-reads, finds it `in_progress`
and gets the 400. Concurrent `_stats` and `_check_in` calls never lose each other's fields.

Missing jobs are 404 `resource_not_found_exception`, worded as Elasticsearch words them: the bare
id where it reads the job first (get, delete, cancel, claim, error), `connector sync job [<id>]
not found` where it updates directly (check-in, stats).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.dates import now
from app.domain import sync_jobs as domain
from app.domain.models import SyncJobType, SyncStatus, parse_enum
from app.domain.sync_jobs import NewSyncJob
from app.errors import ResourceNotFound
from app.services.connectors import check_page, generate_id
from storage import Storage
from storage.documents import (
    Search,
    SortKey,
    StoredDocument,
    Term,
    Transform,
    UpdateResult,
    merge_partial,
    update_document,
)
from storage.errors import DocumentNotFound
from storage.indices import CONNECTORS, SYNC_JOBS


@dataclass(frozen=True, slots=True)
class ListParameters:
    """The list query as given: enum values are checked by `list_sync_jobs`, in ES's order."""

    offset: int = 0
    size: int = 100
    connector_id: str | None = None
    status: str | None = None
    job_types: tuple[str, ...] = ()


async def create_sync_job(storage: Storage, request: NewSyncJob) -> str:
    """Create a pending job for an existing connector (soft-deleted ones too, as in ES); its id."""
    connector = await storage.get_document(CONNECTORS, request.connector_id)
    if connector is None:
        raise ResourceNotFound(f"Connector with id '{request.connector_id}' does not exist.")
    job = domain.new_sync_job(request, connector.source, now())
    job_id = generate_id()
    await storage.create_document(SYNC_JOBS, job_id, job)
    return job_id


async def get_sync_job(storage: Storage, job_id: str) -> StoredDocument:
    document = await storage.get_document(SYNC_JOBS, job_id)
    if document is None:
        raise ResourceNotFound(job_id)
    return document


async def delete_sync_job(storage: Storage, job_id: str) -> None:
    if not await storage.delete_document(SYNC_JOBS, job_id):
        raise ResourceNotFound(job_id)


async def list_sync_jobs(storage: Storage, parameters: ListParameters) -> tuple[int, list[StoredDocument]]:
    """A page of jobs, newest first (`created_at` descending, as ES sorts), with the total."""
    status = parse_enum(SyncStatus, parameters.status) if parameters.status is not None else None
    job_types = tuple(parse_enum(SyncJobType, value).value for value in parameters.job_types)
    check_page(parameters.offset, parameters.size)
    terms = []
    if parameters.connector_id is not None:
        terms.append(Term("connector_id", (parameters.connector_id,)))
    if status is not None:
        terms.append(Term("status", (status.value,)))
    if job_types:
        terms.append(Term("job_type", job_types))
    search = Search(
        terms=tuple(terms),
        sort=(SortKey("created_at", descending=True),),
        offset=parameters.offset,
        limit=parameters.size,
    )
    page = await storage.search(SYNC_JOBS, search)
    return page.total, page.documents


async def _update(storage: Storage, job_id: str, transform: Transform, *, missing: str) -> UpdateResult:
    try:
        return await update_document(storage, SYNC_JOBS, job_id, transform)
    except DocumentNotFound:
        raise ResourceNotFound(missing) from None


async def cancel_sync_job(storage: Storage, job_id: str) -> UpdateResult:
    """Pending or suspended → canceled at once; in progress → canceling; anything else → 400."""
    timestamp = now()

    def cancel(job: dict[str, Any]) -> dict[str, Any]:
        return merge_partial(job, domain.cancel_patch(domain.status_of(job), timestamp))

    return await _update(storage, job_id, cancel, missing=job_id)


async def check_in_sync_job(storage: Storage, job_id: str) -> UpdateResult:
    patch = {"last_seen": now()}
    return await _update(
        storage, job_id, lambda job: merge_partial(job, patch), missing=f"connector sync job [{job_id}] not found"
    )


async def claim_sync_job(
    storage: Storage, job_id: str, worker_hostname: str, sync_cursor: dict[str, Any] | None
) -> UpdateResult:
    """Pending or suspended → in progress for this worker; exactly one of concurrent claims wins."""
    timestamp = now()

    def claim(job: dict[str, Any]) -> dict[str, Any]:
        return merge_partial(job, domain.claim_patch(domain.status_of(job), worker_hostname, sync_cursor, timestamp))

    return await _update(storage, job_id, claim, missing=job_id)


async def set_sync_job_error(storage: Storage, job_id: str, error: str) -> UpdateResult:
    def record_error(job: dict[str, Any]) -> dict[str, Any]:
        return merge_partial(job, domain.error_patch(domain.status_of(job), error))

    return await _update(storage, job_id, record_error, missing=job_id)


async def update_sync_job_stats(storage: Storage, job_id: str, stats: dict[str, Any]) -> UpdateResult:
    """Write the ingestion counters (metadata merged into the stored one); no status check."""
    patch = domain.stats_patch(stats, now())
    return await _update(
        storage, job_id, lambda job: merge_partial(job, patch), missing=f"connector sync job [{job_id}] not found"
    )
