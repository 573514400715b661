"""Sync-job create, read, delete and routing through the real app (lifecycle and list: sibling files)."""

from __future__ import annotations

import re
from typing import Any

from storage import Storage
from storage.documents import merge_partial, update_document
from storage.indices import CONNECTORS, SYNC_JOBS
from tests.api.conftest import Api, error_of

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,9}Z$")
CONNECTOR = {"index_name": "search-test", "name": "my-connector", "language": "de", "service_type": "super-connector"}


async def make_connector(api: Api, connector_id: str = "c", **fields: Any) -> None:
    status, _ = await api.put(f"/_connector/{connector_id}", {**CONNECTOR, **fields})
    assert status in (200, 201)


async def post_job(api: Api, connector_id: str = "c", **fields: Any) -> str:
    status, body = await api.post("/_connector/_sync_job", {"id": connector_id, **fields})
    assert status == 201, body
    assert set(body) == {"id"}
    job_id: str = body["id"]
    return job_id


async def get_job(api: Api, job_id: str) -> dict[str, Any]:
    status, job = await api.get(f"/_connector/_sync_job/{job_id}")
    assert status == 200, job
    return dict(job)


async def patch_connector(storage: Storage, connector_id: str, patch: dict[str, Any]) -> None:
    """Give the stored connector fields that other endpoints would write."""
    await update_document(storage, CONNECTORS, connector_id, lambda source: merge_partial(source, patch))


async def test_post_creates_pending_job_holding_a_connector_snapshot(api: Api) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    _, connector = await api.get("/_connector/c")
    job = await get_job(api, job_id)
    assert TIMESTAMP.match(job["created_at"])
    assert job == {
        "id": job_id,
        "connector": {
            "id": "c",
            "filtering": connector["filtering"][0]["active"],
            "index_name": "search-test",
            "language": "de",
            "service_type": "super-connector",
            "configuration": {},
        },
        "created_at": job["created_at"],
        "deleted_document_count": 0,
        "indexed_document_count": 0,
        "indexed_document_volume": 0,
        "job_type": "full",
        "last_seen": job["created_at"],
        "metadata": {},
        "status": "pending",
        "total_document_count": 0,
        "trigger_method": "on_demand",
    }


async def test_snapshot_takes_active_filtering_of_first_element_pipeline_and_configuration(
    api: Api, storage: Storage
) -> None:
    await make_connector(api)
    first = {"active": {"rules": ["active-0"]}, "domain": "DEFAULT", "draft": {"rules": ["draft-0"]}}
    second = {"active": {"rules": ["active-1"]}, "domain": "TEST", "draft": {"rules": ["draft-1"]}}
    pipeline = {"extract_binary_content": True, "name": "p", "reduce_whitespace": True, "run_ml_inference": False}
    configuration = {"some_field": {"label": "L", "value": 456}}
    await patch_connector(
        storage,
        "c",
        {"filtering": [first, second], "pipeline": pipeline, "configuration": configuration, "sync_cursor": {"a": 1}},
    )
    job = await get_job(api, await post_job(api))
    assert job["connector"] == {
        "id": "c",
        "filtering": {"rules": ["active-0"]},
        "index_name": "search-test",
        "language": "de",
        "pipeline": pipeline,
        "service_type": "super-connector",
        "configuration": configuration,
    }


async def test_snapshot_leaves_out_null_connector_fields(api: Api, storage: Storage) -> None:
    await make_connector(api)
    await patch_connector(storage, "c", {"language": None, "pipeline": None, "filtering": []})
    job = await get_job(api, await post_job(api))
    assert job["connector"] == {
        "id": "c",
        "index_name": "search-test",
        "service_type": "super-connector",
        "configuration": {},
    }


async def test_access_control_job_targets_the_prefixed_index(api: Api) -> None:
    await make_connector(api)
    job = await get_job(api, await post_job(api, job_type="access_control", trigger_method="scheduled"))
    assert (job["job_type"], job["trigger_method"]) == ("access_control", "scheduled")
    assert job["connector"]["index_name"] == ".search-acl-filter-search-test"


async def test_enum_values_are_case_insensitive_and_written_lower_case(api: Api) -> None:
    await make_connector(api)
    job = await get_job(api, await post_job(api, job_type="INCREMENTAL", trigger_method="Scheduled"))
    assert (job["job_type"], job["trigger_method"]) == ("incremental", "scheduled")


async def test_later_connector_edits_do_not_change_existing_jobs(api: Api, storage: Storage) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    await patch_connector(storage, "c", {"index_name": "search-other", "language": "fr"})
    job = await get_job(api, job_id)
    assert (job["connector"]["index_name"], job["connector"]["language"]) == ("search-test", "de")


async def test_post_for_soft_deleted_connector_is_accepted(api: Api) -> None:
    await make_connector(api)
    assert (await api.delete("/_connector/c"))[0] == 200
    job = await get_job(api, await post_job(api))
    assert job["connector"]["id"] == "c"


async def test_post_for_missing_connector_is_404(api: Api) -> None:
    status, body = await api.post("/_connector/_sync_job", {"id": "nope"})
    assert status == 404
    assert error_of(body) == ("resource_not_found_exception", "Connector with id 'nope' does not exist.")


async def test_post_for_connector_without_index_is_400(api: Api) -> None:
    await api.put("/_connector/c", {"service_type": "s"})
    for job_type in ("full", "access_control"):
        status, body = await api.post("/_connector/_sync_job", {"id": "c", "job_type": job_type})
        assert status == 400
        assert error_of(body) == (
            "status_exception",
            "Cannot start a sync for connector [c] with no index attached. "
            "Set the [index_name] property for the connector to enable syncing data.",
        )


async def test_post_for_connector_without_service_type_is_400(api: Api) -> None:
    await api.put("/_connector/c", {"index_name": "search-x"})
    status, body = await api.post("/_connector/_sync_job", {"id": "c"})
    assert status == 400
    assert error_of(body) == (
        "status_exception",
        "Cannot start a sync for connector [c] with [service_type] not defined. "
        "Set the service type of your connector before starting the sync.",
    )
    assert (await api.get("/_connector/_sync_job"))[1]["count"] == 0


async def test_post_body_errors_are_elasticsearch_errors(api: Api) -> None:
    await make_connector(api)
    parser = "connector_sync_job_post_request"
    parse = "x_content_parse_exception"
    cases = [
        (b'{"job_type":"full"}', "illegal_argument_exception", "Required [id]"),
        (
            b'{"id":""}',
            "action_request_validation_exception",
            "Validation Failed: 1: [id] of the connector cannot be null or empty;",
        ),
        (b'{"id":null}', parse, f"[1:7] [{parser}] id doesn't support values of type: VALUE_NULL"),
        (b'{"id":"c","bogus":1}', parse, f"[1:11] [{parser}] unknown field [bogus]"),
        (b'{"id":"c","job_type":3}', parse, f"[1:22] [{parser}] job_type doesn't support values of type: VALUE_NUMBER"),
        (b"[]", parse, f"[1:1] [{parser}] Expected START_OBJECT but was: START_ARRAY"),
    ]
    for raw, error_type, reason in cases:
        status, error = await api.post("/_connector/_sync_job", raw=raw)
        assert (status, error_of(error)) == (400, (error_type, reason)), raw


async def test_post_without_body_is_400(api: Api) -> None:
    status, body = await api.post("/_connector/_sync_job")
    assert status == 400
    assert error_of(body) == ("parse_exception", "request body is required")


async def test_invalid_job_type_fails_building_the_request_when_its_last_field_arrives(api: Api) -> None:
    await make_connector(api)
    raw = b'{"id":"c","job_type":"bogus","trigger_method":"on_demand"}'
    status, body = await api.post("/_connector/_sync_job", raw=raw)
    assert status == 400
    build = "Failed to build [connector_sync_job_post_request] after last required field arrived"
    assert body["error"] == {
        "root_cause": [{"type": "x_content_parse_exception", "reason": build}],
        "type": "x_content_parse_exception",
        "reason": "[1:47] [connector_sync_job_post_request] failed to parse field [trigger_method]",
        "caused_by": {
            "type": "x_content_parse_exception",
            "reason": build,
            "caused_by": {"type": "illegal_argument_exception", "reason": "Unknown ConnectorSyncJobType [bogus]."},
        },
    }


async def test_invalid_trigger_method_fails_building_the_request_at_the_end(api: Api) -> None:
    await make_connector(api)
    status, body = await api.post("/_connector/_sync_job", {"id": "c", "trigger_method": "full"})
    assert status == 400
    assert error_of(body) == (
        "x_content_parse_exception",
        "Failed to build [connector_sync_job_post_request] after last required field arrived",
    )
    assert body["error"]["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "Unknown ConnectorSyncJobTriggerMethod [full].",
    }


async def test_get_missing_job_is_404_with_the_bare_id(api: Api) -> None:
    status, body = await api.get("/_connector/_sync_job/nope")
    assert status == 404
    assert error_of(body) == ("resource_not_found_exception", "nope")


async def test_delete_removes_the_job(api: Api) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    kept = await post_job(api)
    assert await api.delete(f"/_connector/_sync_job/{job_id}") == (200, {"acknowledged": True})
    status, body = await api.get(f"/_connector/_sync_job/{job_id}")
    assert (status, error_of(body)) == (404, ("resource_not_found_exception", job_id))
    assert (await get_job(api, kept))["id"] == kept


async def test_delete_missing_job_is_404_with_the_bare_id(api: Api) -> None:
    status, body = await api.delete("/_connector/_sync_job/nope")
    assert status == 404
    assert error_of(body) == ("resource_not_found_exception", "nope")


async def test_empty_job_id_is_a_validation_error_on_every_job_endpoint(api: Api) -> None:
    reason = "Validation Failed: 1: [connector_sync_job_id] of the connector sync job cannot be null or empty.;"
    calls = [
        api.get("/_connector/_sync_job/"),
        api.delete("/_connector/_sync_job/"),
        api.put("/_connector/_sync_job//_cancel"),
        api.put("/_connector/_sync_job//_check_in"),
        api.put("/_connector/_sync_job//_claim", {"worker_hostname": "h"}),
        api.put("/_connector/_sync_job//_error", {"error": "e"}),
        api.put(
            "/_connector/_sync_job//_stats",
            {"deleted_document_count": 0, "indexed_document_count": 0, "indexed_document_volume": 0},
        ),
    ]
    for call in calls:
        status, body = await call
        assert (status, error_of(body)) == (400, ("action_request_validation_exception", reason))


async def test_unknown_query_parameter_is_400(api: Api) -> None:
    status, body = await api.get("/_connector/_sync_job/x?bogus=1")
    assert status == 400
    assert error_of(body) == (
        "illegal_argument_exception",
        "request [/_connector/_sync_job/x] contains unrecognized parameter: [bogus]",
    )


async def test_sync_job_routes_win_over_a_connector_named_sync_job(api: Api, storage: Storage) -> None:
    """`PUT /_connector/_sync_job` has no sync-job route, so (as in ES) it creates a connector with that id."""
    await make_connector(api)
    await make_connector(api, "_sync_job", index_name="search-shadow")
    before = (await api.get("/_connector/c"))[1]
    job_id = await post_job(api)
    status, listing = await api.get("/_connector/_sync_job")
    assert (status, listing["count"], listing["results"][0]["id"]) == (200, 1, job_id)
    assert (await get_job(api, job_id))["connector"]["id"] == "c"
    stats = {"deleted_document_count": 1, "indexed_document_count": 2, "indexed_document_volume": 3}
    calls = [
        ("_check_in", None),
        ("_claim", {"worker_hostname": "h"}),
        ("_stats", stats),
        ("_cancel", None),
        ("_error", {"error": "e"}),
    ]
    for action, body in calls:
        status, result = await api.put(f"/_connector/_sync_job/{job_id}/{action}", body)
        assert (status, result) == (200, {"result": "updated"}), action
    job = await get_job(api, job_id)
    assert (job["status"], job["worker_hostname"], job["error"]) == ("error", "h", "e")
    assert {key: job[key] for key in stats} == stats
    assert await api.delete(f"/_connector/_sync_job/{job_id}") == (200, {"acknowledged": True})
    shadow = await storage.get_document(CONNECTORS, "_sync_job")
    assert shadow is not None and "last_seen" not in shadow.source and shadow.source["deleted"] is False
    assert (await api.get("/_connector/c"))[1] == before


async def test_job_check_in_does_not_touch_the_connector_and_connector_check_in_not_the_job(
    api: Api, storage: Storage
) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    job_seen = (await get_job(api, job_id))["last_seen"]
    assert (await api.put(f"/_connector/_sync_job/{job_id}/_check_in"))[0] == 200
    assert "last_seen" not in (await api.get("/_connector/c"))[1]
    checked_in_job = await get_job(api, job_id)
    assert checked_in_job["last_seen"] > job_seen
    assert (await api.put("/_connector/c/_check_in"))[0] == 200
    assert "last_seen" in (await api.get("/_connector/c"))[1]
    assert await get_job(api, job_id) == checked_in_job
    assert (await storage.get_document(SYNC_JOBS, job_id)) is not None
