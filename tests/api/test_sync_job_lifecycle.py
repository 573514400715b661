"""The calls a connector service makes on a sync job: claim, check-in, stats, error, cancel."""

from __future__ import annotations

from typing import Any

import pytest

from storage import Storage
from storage.documents import merge_partial, update_document
from storage.indices import SYNC_JOBS
from tests.api.conftest import Api, error_of
from tests.api.test_sync_jobs import TIMESTAMP, get_job, make_connector, post_job

STATS = {"deleted_document_count": 10, "indexed_document_count": 20, "indexed_document_volume": 1000}
STATS_PARSER = "connector_sync_job_update_ingestion_stats"


def transition_error(current: str, requested: str) -> dict[str, Any]:
    reason = (
        f"Invalid transition attempt from [{current}] to [{requested}]. "
        "Such a ConnectorSyncStatus transition is not supported by the Connector Protocol."
    )
    return {
        "error": {
            "root_cause": [{"type": "status_exception", "reason": reason}],
            "type": "status_exception",
            "reason": reason,
            "caused_by": {"type": "connector_sync_job_invalid_status_transition_exception", "reason": reason},
        },
        "status": 400,
    }


async def job_in(api: Api, storage: Storage, status: str) -> str:
    """A job forced into `status` (no API reaches `completed` or `suspended`)."""
    await make_connector(api)
    job_id = await post_job(api)
    await update_document(storage, SYNC_JOBS, job_id, lambda job: merge_partial(job, {"status": status}))
    return job_id


async def put(api: Api, job_id: str, action: str, body: Any = None) -> tuple[int, Any]:
    return await api.put(f"/_connector/_sync_job/{job_id}/{action}", body)


# --- cancel ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "suspended"])
async def test_cancel_job_not_running_cancels_it_at_once(api: Api, storage: Storage, status: str) -> None:
    job_id = await job_in(api, storage, status)
    assert await put(api, job_id, "_cancel") == (200, {"result": "updated"})
    job = await get_job(api, job_id)
    assert job["status"] == "canceled"
    assert TIMESTAMP.match(job["cancelation_requested_at"])
    assert job["canceled_at"] == job["completed_at"] == job["cancelation_requested_at"]


async def test_cancel_running_job_asks_it_to_stop(api: Api) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    await put(api, job_id, "_claim", {"worker_hostname": "w"})
    assert await put(api, job_id, "_cancel") == (200, {"result": "updated"})
    job = await get_job(api, job_id)
    assert job["status"] == "canceling"
    assert TIMESTAMP.match(job["cancelation_requested_at"])
    assert "canceled_at" not in job and "completed_at" not in job


@pytest.mark.parametrize("status", ["canceling", "canceled", "completed", "error"])
async def test_cancel_in_other_statuses_is_an_invalid_transition(api: Api, storage: Storage, status: str) -> None:
    job_id = await job_in(api, storage, status)
    assert await put(api, job_id, "_cancel") == (400, transition_error(status, "canceling"))
    assert (await get_job(api, job_id))["status"] == status


async def test_cancel_missing_job_is_404_with_the_bare_id(api: Api) -> None:
    status, body = await put(api, "nope", "_cancel")
    assert (status, error_of(body)) == (404, ("resource_not_found_exception", "nope"))


# --- check-in -------------------------------------------------------------------------------


async def test_check_in_moves_last_seen_forward_in_any_status(api: Api, storage: Storage) -> None:
    job_id = await job_in(api, storage, "canceled")
    before = await get_job(api, job_id)
    assert await put(api, job_id, "_check_in") == (200, {"result": "updated"})
    after = await get_job(api, job_id)
    assert TIMESTAMP.match(after["last_seen"]) and after["last_seen"] > before["last_seen"]
    assert after == {**before, "last_seen": after["last_seen"]}


async def test_check_in_missing_job_is_404(api: Api) -> None:
    status, body = await put(api, "nope", "_check_in")
    assert (status, error_of(body)) == (404, ("resource_not_found_exception", "connector sync job [nope] not found"))


# --- claim ----------------------------------------------------------------------------------


async def test_claim_pending_job_starts_it_for_the_worker(api: Api) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    before = await get_job(api, job_id)
    assert await put(api, job_id, "_claim", {"worker_hostname": "host-name"}) == (200, {"result": "updated"})
    job = await get_job(api, job_id)
    assert TIMESTAMP.match(job["started_at"]) and job["started_at"] == job["last_seen"] > before["last_seen"]
    assert job == {
        **before,
        "worker_hostname": "host-name",
        "status": "in_progress",
        "started_at": job["started_at"],
        "last_seen": job["started_at"],
    }


async def test_claim_merges_the_cursor_into_the_jobs_connector_only(api: Api, storage: Storage) -> None:
    job_id = await job_in(api, storage, "suspended")
    await update_document(
        storage, SYNC_JOBS, job_id, lambda job: merge_partial(job, {"connector": {"sync_cursor": {"old": 1, "pos": 1}}})
    )
    body = {"worker_hostname": "h", "sync_cursor": {"pos": 2, "new": {"deep": True}}}
    assert await put(api, job_id, "_claim", body) == (200, {"result": "updated"})
    job = await get_job(api, job_id)
    assert job["status"] == "in_progress"
    assert job["connector"]["sync_cursor"] == {"old": 1, "pos": 2, "new": {"deep": True}}
    assert job["connector"]["index_name"] == "search-test"
    assert "sync_cursor" not in (await api.get("/_connector/c"))[1]


@pytest.mark.parametrize("status", ["in_progress", "canceling", "canceled", "completed", "error"])
async def test_claim_job_that_is_not_waiting_is_an_invalid_transition(api: Api, storage: Storage, status: str) -> None:
    job_id = await job_in(api, storage, status)
    before = await get_job(api, job_id)
    answer = await put(api, job_id, "_claim", {"worker_hostname": "late"})
    assert answer == (400, transition_error(status, "in_progress"))
    assert await get_job(api, job_id) == before


async def test_second_claim_of_a_job_is_rejected(api: Api) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    assert (await put(api, job_id, "_claim", {"worker_hostname": "first"}))[0] == 200
    assert await put(api, job_id, "_claim", {"worker_hostname": "second"}) == (
        400,
        transition_error("in_progress", "in_progress"),
    )
    assert (await get_job(api, job_id))["worker_hostname"] == "first"


async def test_claim_body_errors_come_before_the_job_lookup(api: Api) -> None:
    parser = "claim_connector_sync_job"
    cases = [
        (b'{"sync_cursor":{}}', 400, "illegal_argument_exception", "Required [worker_hostname]"),
        (b'{"worker_hostname":null}', 400, "x_content_parse_exception",
         f"[1:20] [{parser}] worker_hostname doesn't support values of type: VALUE_NULL"),
        (b'{"worker_hostname":"h","sync_cursor":"x"}', 400, "x_content_parse_exception",
         f"[1:38] [{parser}] sync_cursor doesn't support values of type: VALUE_STRING"),
        (b'{"worker_hostname":"h","cursor":{}}', 400, "x_content_parse_exception",
         f"[1:24] [{parser}] unknown field [cursor]"),
        (b'{"worker_hostname":"h"}', 404, "resource_not_found_exception", "nope"),
    ]
    for raw, status, error_type, reason in cases:
        answer_status, body = await api.put("/_connector/_sync_job/nope/_claim", raw=raw)
        assert (answer_status, error_of(body)) == (status, (error_type, reason)), raw
    status, body = await put(api, "nope", "_claim")
    assert (status, error_of(body)) == (400, ("parse_exception", "request body is required"))


# --- error ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["in_progress", "canceling"])
async def test_error_fails_a_running_or_canceling_job(api: Api, storage: Storage, status: str) -> None:
    job_id = await job_in(api, storage, status)
    assert await put(api, job_id, "_error", {"error": "boom"}) == (200, {"result": "updated"})
    job = await get_job(api, job_id)
    assert (job["status"], job["error"]) == ("error", "boom")


@pytest.mark.parametrize("status", ["pending", "suspended", "completed", "canceled", "error"])
async def test_error_in_other_statuses_is_an_invalid_transition(api: Api, storage: Storage, status: str) -> None:
    job_id = await job_in(api, storage, status)
    assert await put(api, job_id, "_error", {"error": "boom"}) == (400, transition_error(status, "error"))
    assert "error" not in await get_job(api, job_id)


async def test_error_body_errors_and_missing_job(api: Api) -> None:
    cases = [
        ({}, 400, "illegal_argument_exception", "Required [error]"),
        ({"error": ""}, 400, "action_request_validation_exception",
         "Validation Failed: 1: [error] of the connector sync job cannot be null or empty;"),
        ({"error": "e"}, 404, "resource_not_found_exception", "nope"),
    ]
    for body, status, error_type, reason in cases:
        answer_status, answer = await put(api, "nope", "_error", body)
        assert (answer_status, error_of(answer)) == (status, (error_type, reason)), body
    status, answer = await api.put("/_connector/_sync_job//_error", {"error": ""})
    assert error_of(answer)[1] == (
        "Validation Failed: 1: [connector_sync_job_id] of the connector sync job cannot be null or empty.;"
        "2: [error] of the connector sync job cannot be null or empty;"
    )


# --- stats ----------------------------------------------------------------------------------


async def test_stats_write_the_counters_and_last_seen_now_without_touching_status(api: Api) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    before = await get_job(api, job_id)
    assert await put(api, job_id, "_stats", STATS) == (200, {"result": "updated"})
    job = await get_job(api, job_id)
    assert job["last_seen"] > before["last_seen"]
    assert job == {**before, **STATS, "last_seen": job["last_seen"]}


async def test_stats_optional_fields_are_written_and_metadata_merged(api: Api) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    first = {**STATS, "total_document_count": 20, "last_seen": "2023-12-04T08:45:50.567149Z", "metadata": {"a": 1}}
    assert await put(api, job_id, "_stats", first) == (200, {"result": "updated"})
    second = {**STATS, "last_seen": "2023-12-04T10:45:50+02:00", "metadata": {"b": {"c": 2}}}
    assert await put(api, job_id, "_stats", second) == (200, {"result": "updated"})
    job = await get_job(api, job_id)
    assert job["total_document_count"] == 20
    assert job["last_seen"] == "2023-12-04T08:45:50.000Z"
    assert job["metadata"] == {"a": 1, "b": {"c": 2}}


async def test_stats_that_change_nothing_are_a_noop(api: Api) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    body = {**STATS, "last_seen": "2024-01-01T00:00:00Z"}
    assert await put(api, job_id, "_stats", body) == (200, {"result": "updated"})
    assert await put(api, job_id, "_stats", {**body, "indexed_document_count": "20"}) == (200, {"result": "noop"})


async def test_negative_counters_are_validation_errors_in_order(api: Api) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    body = {"deleted_document_count": -1, "indexed_document_count": -2, "indexed_document_volume": -3,
            "total_document_count": -4}
    status, answer = await put(api, job_id, "_stats", body)
    assert (status, error_of(answer)) == (400, (
        "action_request_validation_exception",
        "Validation Failed: 1: [deleted_document_count] cannot be negative.;"
        "2: [indexed_document_count] cannot be negative.;3: [indexed_document_volume] cannot be negative.;"
        "4: [total_document_count] cannot be negative.;",
    ))
    assert (await get_job(api, job_id))["deleted_document_count"] == 0


async def test_stats_body_errors_and_missing_job(api: Api) -> None:
    parse = "x_content_parse_exception"
    unsupported = f"[{STATS_PARSER}] %s doesn't support values of type: %s"
    cases = [
        (b'{"deleted_document_count":1}', 400, "illegal_argument_exception",
         "Required [indexed_document_count, indexed_document_volume]"),
        (b'{"metadata":"abc"}', 400, parse, "[1:13] " + unsupported % ("metadata", "VALUE_STRING")),
        (b'{"metadata":123}', 400, parse, "[1:13] " + unsupported % ("metadata", "VALUE_NUMBER")),
        (b'{"last_seen":5}', 400, parse, "[1:14] " + unsupported % ("last_seen", "VALUE_NUMBER")),
        (b'{"last_seen":"yesterday"}', 400, parse, f"[1:14] [{STATS_PARSER}] failed to parse field [last_seen]"),
        (b'{"deleted_document_count":1,"indexed_document_count":1,"indexed_document_volume":1}', 404,
         "resource_not_found_exception", "connector sync job [nope] not found"),
    ]
    for raw, status, error_type, reason in cases:
        answer_status, body = await api.put("/_connector/_sync_job/nope/_stats", raw=raw)
        assert (answer_status, error_of(body)) == (status, (error_type, reason)), raw
