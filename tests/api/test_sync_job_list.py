"""Listing sync jobs, and deleting them with their connector, through the real app."""

from __future__ import annotations

from tests.api.conftest import Api, error_of
from tests.api.test_sync_jobs import make_connector, post_job


async def list_ids(api: Api, query: str = "") -> tuple[int, list[str]]:
    status, body = await api.get(f"/_connector/_sync_job{query}")
    assert status == 200, body
    return body["count"], [job["id"] for job in body["results"]]


async def test_list_is_newest_first_with_the_total_count(api: Api) -> None:
    await make_connector(api)
    first, second, third = [await post_job(api) for _ in range(3)]
    assert await list_ids(api) == (3, [third, second, first])
    assert await list_ids(api, "?from=1") == (3, [second, first])
    assert await list_ids(api, "?size=1") == (3, [third])
    assert await list_ids(api, "?from=1&size=1") == (3, [second])
    assert await list_ids(api, "?from=5") == (3, [])


async def test_list_results_are_whole_documents_with_their_id(api: Api) -> None:
    await make_connector(api)
    job_id = await post_job(api)
    _, body = await api.get("/_connector/_sync_job")
    assert body["results"] == [(await api.get(f"/_connector/_sync_job/{job_id}"))[1]]


async def test_list_filters_by_connector_status_and_job_types(api: Api) -> None:
    await make_connector(api, "one")
    await make_connector(api, "two", index_name="search-two")
    full = await post_job(api, "one", job_type="full")
    incremental = await post_job(api, "one", job_type="incremental")
    access = await post_job(api, "one", job_type="access_control")
    other = await post_job(api, "two", job_type="full")
    await api.put(f"/_connector/_sync_job/{incremental}/_cancel")
    assert await list_ids(api, "?connector_id=one") == (3, [access, incremental, full])
    assert await list_ids(api, "?connector_id=none") == (0, [])
    assert await list_ids(api, "?status=canceled") == (1, [incremental])
    assert await list_ids(api, "?status=PENDING") == (3, [other, access, full])
    assert await list_ids(api, "?job_type=full") == (2, [other, full])
    assert await list_ids(api, "?job_type=full,ACCESS_CONTROL") == (3, [other, access, full])
    assert await list_ids(api, "?connector_id=one&job_type=full,incremental&status=pending") == (1, [full])


async def test_empty_list_counts_zero(api: Api) -> None:
    assert await api.get("/_connector/_sync_job") == (200, {"count": 0, "results": []})


async def test_invalid_list_parameters_are_400(api: Api) -> None:
    cases = [
        ("?status=bogus", "Unknown ConnectorSyncStatus [bogus]."),
        ("?job_type=full,bogus", "Unknown ConnectorSyncJobType [bogus]."),
        ("?from=-1", "Parameter [from] cannot be < 0"),
        ("?size=-1", "Parameter [size] cannot be < 0"),
        ("?from=x", "Failed to parse int parameter [from] with value [x]"),
        ("?size=1.5", "Failed to parse int parameter [size] with value [1.5]"),
        ("?from=-1&status=bogus", "Unknown ConnectorSyncStatus [bogus]."),
        ("?job_type=bogus&status=nope", "Unknown ConnectorSyncStatus [nope]."),
        ("?bogus=c", "request [/_connector/_sync_job] contains unrecognized parameter: [bogus]"),
    ]
    for query, reason in cases:
        status, body = await api.get(f"/_connector/_sync_job{query}")
        assert (status, error_of(body)) == (400, ("illegal_argument_exception", reason)), query


async def test_connector_delete_with_sync_jobs_removes_only_that_connectors_jobs(api: Api) -> None:
    await make_connector(api, "doomed")
    await make_connector(api, "kept", index_name="search-kept")
    for _ in range(3):
        await post_job(api, "doomed")
    survivor = await post_job(api, "kept")
    assert await api.delete("/_connector/doomed?delete_sync_jobs=true") == (200, {"acknowledged": True})
    assert await list_ids(api, "?connector_id=doomed") == (0, [])
    assert await list_ids(api) == (1, [survivor])
    assert (await api.get(f"/_connector/_sync_job/{survivor}"))[0] == 200


async def test_hard_connector_delete_with_sync_jobs_removes_them_too(api: Api) -> None:
    await make_connector(api, "doomed")
    await post_job(api, "doomed")
    assert (await api.delete("/_connector/doomed?hard=true&delete_sync_jobs"))[0] == 200
    assert await list_ids(api) == (0, [])
    assert (await api.get("/_connector/doomed?include_deleted=true"))[0] == 404


async def test_connector_delete_keeps_sync_jobs_by_default(api: Api) -> None:
    await make_connector(api, "c")
    job_id = await post_job(api, "c")
    assert (await api.delete("/_connector/c"))[0] == 200
    assert (await api.delete("/_connector/x?delete_sync_jobs=false"))[0] == 404
    assert await list_ids(api, "?connector_id=c") == (1, [job_id])
    assert (await api.delete("/_connector/c?delete_sync_jobs=false&hard=true"))[0] == 200
    assert await list_ids(api, "?connector_id=c") == (1, [job_id])
