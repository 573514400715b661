"""The sync-job service on every backend: create, list, the lifecycle, and concurrent writers.

Races run many `asyncio.gather`ed calls over one storage (each backend's own connections), and
for the file and server databases also from several OS processes at once.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from typing import Any

import pytest

from app.domain.models import SyncJobType
from app.domain.sync_jobs import NewSyncJob
from app.errors import ResourceNotFound, StatusError
from app.services import connectors as connector_service
from app.services import sync_jobs as service
from storage import Storage, open_storage
from storage.indices import CONNECTORS

STATS = {"deleted_document_count": 1, "indexed_document_count": 2, "indexed_document_volume": 3}
CLAIM_WON, CLAIM_LOST = 0, 3
PROCESSES = 3


async def new_job(storage: Storage, connector_id: str = "c", **options: Any) -> str:
    if await storage.get_document(CONNECTORS, connector_id) is None:
        fields = {"index_name": f"search-{connector_id}", "service_type": "s"}
        await connector_service.create_connector(storage, connector_id, fields)
    return await service.create_sync_job(storage, NewSyncJob(connector_id, **options))


async def job(storage: Storage, job_id: str) -> dict[str, Any]:
    return (await service.get_sync_job(storage, job_id)).source


async def test_created_job_reads_back_pending_with_its_snapshot(storage: Storage) -> None:
    job_id = await new_job(storage, job_type=SyncJobType.ACCESS_CONTROL)
    stored = await job(storage, job_id)
    assert (stored["status"], stored["job_type"]) == ("pending", "access_control")
    assert stored["trigger_method"] == "on_demand"
    assert stored["connector"]["index_name"] == ".search-acl-filter-search-c"
    assert stored["created_at"] == stored["last_seen"]


async def test_list_filters_and_sorts_newest_first(storage: Storage) -> None:
    ids = []
    for connector_id, job_type in [("a", SyncJobType.FULL), ("a", SyncJobType.INCREMENTAL), ("b", SyncJobType.FULL)]:
        ids.append(await new_job(storage, connector_id, job_type=job_type))
        await asyncio.sleep(0.002)
    await service.cancel_sync_job(storage, ids[0])

    async def listed(**options: Any) -> tuple[int, list[str]]:
        total, documents = await service.list_sync_jobs(storage, service.ListParameters(**options))
        return total, [document.id for document in documents]

    assert await listed() == (3, [ids[2], ids[1], ids[0]])
    assert await listed(offset=1, size=1) == (3, [ids[1]])
    assert await listed(connector_id="a") == (2, [ids[1], ids[0]])
    assert await listed(status="canceled") == (1, [ids[0]])
    assert await listed(job_types=("full",)) == (2, [ids[2], ids[0]])
    assert await listed(connector_id="a", status="pending", job_types=("incremental", "full")) == (1, [ids[1]])


async def test_deleted_job_is_gone_and_deleting_again_is_404(storage: Storage) -> None:
    job_id = await new_job(storage)
    await service.delete_sync_job(storage, job_id)
    with pytest.raises(ResourceNotFound):
        await service.get_sync_job(storage, job_id)
    with pytest.raises(ResourceNotFound):
        await service.delete_sync_job(storage, job_id)


async def test_cancel_pending_job_becomes_canceled_and_cannot_be_claimed(storage: Storage) -> None:
    job_id = await new_job(storage)
    await service.cancel_sync_job(storage, job_id)
    stored = await job(storage, job_id)
    assert stored["status"] == "canceled"
    assert stored["canceled_at"] == stored["completed_at"] == stored["cancelation_requested_at"]
    with pytest.raises(StatusError):
        await service.claim_sync_job(storage, job_id, "w", None)


async def test_cancel_running_job_becomes_canceling_then_error_is_allowed(storage: Storage) -> None:
    job_id = await new_job(storage)
    await service.claim_sync_job(storage, job_id, "w", {"cursor": 1})
    await service.cancel_sync_job(storage, job_id)
    assert (await job(storage, job_id))["status"] == "canceling"
    with pytest.raises(StatusError):
        await service.cancel_sync_job(storage, job_id)
    await service.set_sync_job_error(storage, job_id, "stopped badly")
    stored = await job(storage, job_id)
    assert (stored["status"], stored["error"]) == ("error", "stopped badly")
    assert stored["connector"]["sync_cursor"] == {"cursor": 1}


async def test_concurrent_claims_of_one_pending_job_have_exactly_one_winner(storage: Storage) -> None:
    for _ in range(3):
        job_id = await new_job(storage)
        workers = [f"worker-{n}" for n in range(8)]
        outcomes = await asyncio.gather(
            *(service.claim_sync_job(storage, job_id, worker, {"by": worker}) for worker in workers),
            return_exceptions=True,
        )
        pairs = zip(workers, outcomes, strict=True)
        winners = [worker for worker, outcome in pairs if not isinstance(outcome, Exception)]
        losers = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
        assert len(winners) == 1
        assert all(isinstance(error, StatusError) for error in losers) and len(losers) == len(workers) - 1
        stored = await job(storage, job_id)
        assert (stored["worker_hostname"], stored["connector"]["sync_cursor"]) == (winners[0], {"by": winners[0]})


async def test_concurrent_stats_check_ins_and_claim_lose_nothing(storage: Storage) -> None:
    for _ in range(3):
        job_id = await new_job(storage)
        stats_calls = [
            service.update_sync_job_stats(storage, job_id, {**STATS, "metadata": {f"writer-{n}": n}}) for n in range(5)
        ]
        check_ins = [service.check_in_sync_job(storage, job_id) for _ in range(5)]
        claim = service.claim_sync_job(storage, job_id, "w", {"cursor": "c"})
        await asyncio.gather(*stats_calls, *check_ins, claim)
        stored = await job(storage, job_id)
        assert stored["metadata"] == {f"writer-{n}": n for n in range(5)}
        assert {key: stored[key] for key in STATS} == STATS
        assert (stored["status"], stored["worker_hostname"], stored["connector"]["sync_cursor"]) == (
            "in_progress",
            "w",
            {"cursor": "c"},
        )


async def test_concurrent_cancel_and_claim_leave_a_consistent_job(storage: Storage) -> None:
    for _ in range(5):
        job_id = await new_job(storage)
        cancel, claim = await asyncio.gather(
            service.cancel_sync_job(storage, job_id),
            service.claim_sync_job(storage, job_id, "w", None),
            return_exceptions=True,
        )
        assert not isinstance(cancel, Exception)
        stored = await job(storage, job_id)
        if isinstance(claim, Exception):
            assert isinstance(claim, StatusError)
            assert (stored["status"], "worker_hostname" in stored) == ("canceled", False)
        else:
            assert (stored["status"], stored["worker_hostname"], "canceled_at" in stored) == ("canceling", "w", False)


async def test_connector_delete_with_sync_jobs_keeps_other_connectors_jobs(storage: Storage) -> None:
    doomed = [await new_job(storage, "doomed") for _ in range(3)]
    kept = await new_job(storage, "kept")
    await connector_service.delete_connector(storage, "doomed", hard=False, delete_sync_jobs=True)
    for job_id in doomed:
        with pytest.raises(ResourceNotFound):
            await service.get_sync_job(storage, job_id)
    assert (await job(storage, kept))["connector"]["id"] == "kept"


# --- claims from several OS processes -------------------------------------------------------


def _claim_in_process(url: str, job_id: str, worker: str, barrier: Any) -> None:
    """Child process: open the storage, wait for the others, claim; the exit code tells the outcome."""

    async def claim() -> int:
        storage = open_storage(url)
        await storage.open()
        try:
            await asyncio.to_thread(barrier.wait, 120)  # spawned interpreters start slowly on a loaded machine
            try:
                await service.claim_sync_job(storage, job_id, worker, None)
            except StatusError:
                return CLAIM_LOST
            return CLAIM_WON
        finally:
            await storage.close()

    raise SystemExit(asyncio.run(claim()))


@pytest.mark.parametrize(
    "storage_url",
    [pytest.param("sqlite", marks=pytest.mark.sqlite), pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
async def test_claims_from_several_processes_have_exactly_one_winner(storage: Storage, storage_url: str) -> None:
    job_id = await new_job(storage)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    processes = [
        context.Process(target=_claim_in_process, args=(storage_url, job_id, f"process-{n}", barrier))
        for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        await asyncio.to_thread(process.join, 150)
        if process.is_alive():
            process.kill()
    codes = sorted(-1 if process.exitcode is None else process.exitcode for process in processes)
    assert codes == [CLAIM_WON] + [CLAIM_LOST] * (PROCESSES - 1)
    stored = await job(storage, job_id)
    assert stored["status"] == "in_progress" and stored["worker_hostname"].startswith("process-")
