"""Connector create, read, list and delete through the real app."""

from __future__ import annotations

import httpx
from quart import Quart

from tests.api.conftest import Api, error_of


async def test_put_creates_connector_with_default_document(api: Api) -> None:
    status, body = await api.put("/_connector/my-connector", {"index_name": "search-test"})
    assert (status, body) == (201, {"id": "my-connector", "result": "created"})
    status, connector = await api.get("/_connector/my-connector")
    assert status == 200
    timestamp = connector["filtering"][0]["active"]["rules"][0]["created_at"]
    default_rules = {
        "advanced_snippet": {"created_at": timestamp, "updated_at": timestamp, "value": {}},
        "rules": [
            {
                "created_at": timestamp,
                "field": "_",
                "id": "DEFAULT",
                "order": 0,
                "policy": "include",
                "rule": "regex",
                "updated_at": timestamp,
                "value": ".*",
            }
        ],
        "validation": {"errors": [], "state": "valid"},
    }
    daily = {"enabled": False, "interval": "0 0 0 * * ?"}
    assert connector == {
        "id": "my-connector",
        "configuration": {},
        "custom_scheduling": {},
        "filtering": [{"active": default_rules, "domain": "DEFAULT", "draft": default_rules}],
        "index_name": "search-test",
        "is_native": False,
        "name": "",
        "scheduling": {"access_control": daily, "full": daily, "incremental": daily},
        "status": "created",
        "sync_now": False,
        "deleted": False,
    }


async def test_put_native_connector_needs_configuration(api: Api) -> None:
    await api.put("/_connector/n", {"index_name": "content-x", "is_native": True, "language": "en"})
    _, connector = await api.get("/_connector/n")
    assert (connector["status"], connector["is_native"], connector["language"]) == ("needs_configuration", True, "en")


async def test_put_existing_connector_overwrites_it_and_answers_updated(api: Api) -> None:
    await api.put("/_connector/c", {"index_name": "search-a", "name": "first", "description": "d"})
    await api.put("/_connector/c/_last_sync", {"last_sync_error": "boom"})
    status, body = await api.put("/_connector/c", {"index_name": "search-b"})
    assert (status, body) == (200, {"id": "c", "result": "updated"})
    _, connector = await api.get("/_connector/c")
    assert connector["index_name"] == "search-b" and connector["name"] == ""
    assert "description" not in connector and "last_sync_error" not in connector


async def test_put_and_post_without_id_generate_distinct_ids(api: Api) -> None:
    first_status, first = await api.put("/_connector")
    second_status, second = await api.post("/_connector", {"name": "posted"})
    assert (first_status, second_status) == (201, 201)
    assert first["result"] == second["result"] == "created"
    assert first["id"] != second["id"] and len(first["id"]) == 20
    _, connector = await api.get(f"/_connector/{second['id']}")
    assert connector["name"] == "posted"


async def test_put_with_index_name_used_by_another_live_connector_is_rejected(api: Api) -> None:
    await api.put("/_connector/a", {"index_name": "search-shared"})
    status, body = await api.put("/_connector/b", {"index_name": "search-shared"})
    assert status == 400
    assert error_of(body) == ("status_exception", "Index name [search-shared] is used by another connector.")
    assert (await api.get("/_connector/b"))[0] == 404


async def test_index_name_of_a_soft_deleted_connector_can_be_reused(api: Api) -> None:
    await api.put("/_connector/a", {"index_name": "search-shared"})
    await api.delete("/_connector/a")
    status, _ = await api.put("/_connector/b", {"index_name": "search-shared"})
    assert status == 201


async def test_put_with_invalid_index_name_is_a_validation_error(api: Api) -> None:
    status, body = await api.put("/_connector/c", {"index_name": "_this-is-invalid-index-name"})
    assert status == 400
    assert error_of(body) == (
        "action_request_validation_exception",
        "Validation Failed: 1: [_this-is-invalid-index-name] InvalidIndexNameException[Invalid index name "
        "[_this-is-invalid-index-name], must not start with '_', '-', or '+'];",
    )


async def test_native_connector_index_must_start_with_content(api: Api) -> None:
    status, body = await api.put("/_connector/c", {"index_name": "search-x", "is_native": True})
    assert status == 400
    assert error_of(body) == (
        "action_request_validation_exception",
        "Validation Failed: 1: Index [search-x] is invalid. Index attached to an Elastic-managed connector must "
        "start with the prefix: [content-];",
    )


async def test_put_with_unknown_field_is_rejected(api: Api) -> None:
    status, body = await api.put("/_connector/c", raw=b'{"index_name": "search-x", "nme": "typo"}')
    assert status == 400
    assert error_of(body) == (
        "x_content_parse_exception",
        "[1:28] [connector_put_request] unknown field [nme] did you mean [name]?",
    )
    assert (await api.get("/_connector/c"))[0] == 404


async def test_put_with_wrong_json_type_is_rejected(api: Api) -> None:
    status, body = await api.put("/_connector/c", {"name": 42})
    assert status == 400
    assert error_of(body) == (
        "x_content_parse_exception",
        "[1:10] [connector_put_request] name doesn't support values of type: VALUE_NUMBER",
    )


async def test_get_missing_connector_is_not_found(api: Api) -> None:
    status, body = await api.get("/_connector/missing")
    assert status == 404
    assert error_of(body) == ("resource_not_found_exception", "connector [missing] not found")


async def test_soft_delete_hides_connector_unless_include_deleted(api: Api) -> None:
    await api.put("/_connector/c", {"index_name": "search-c"})
    assert await api.delete("/_connector/c") == (200, {"acknowledged": True})
    assert (await api.get("/_connector/c"))[0] == 404
    status, connector = await api.get("/_connector/c?include_deleted=true")
    assert status == 200 and connector["deleted"] is True
    status, body = await api.delete("/_connector/c")
    assert status == 404 and error_of(body) == ("resource_not_found_exception", "connector [c] not found")


async def test_hard_delete_removes_even_soft_deleted_connectors(api: Api) -> None:
    await api.put("/_connector/c", {"index_name": "search-c"})
    await api.delete("/_connector/c")
    assert await api.delete("/_connector/c?hard=true") == (200, {"acknowledged": True})
    assert (await api.get("/_connector/c?include_deleted=true"))[0] == 404
    assert (await api.delete("/_connector/c?hard"))[0] == 404


async def test_blank_ids_are_ordinary_ids_as_in_elasticsearch(api: Api) -> None:
    for method in ("GET", "DELETE"):
        status, body = await api.call(method, "/_connector/%20")
        assert (status, error_of(body)) == (404, ("resource_not_found_exception", "connector [ ] not found"))


async def _seed(api: Api) -> None:
    await api.put(
        "/_connector/connector-a",
        {
            "index_name": "search-1-test",
            "name": "my-connector-1",
            "service_type": "super-connector",
            "description": "Alpha",
        },
    )
    await api.put(
        "/_connector/connector-c",
        {"index_name": "search-3-test", "name": "my-connector-3", "service_type": "super-connector"},
    )
    await api.put(
        "/_connector/connector-b",
        {
            "index_name": "content-search-2-test",
            "name": "my-connector-2",
            "service_type": "extra-connector",
            "is_native": True,
        },
    )
    await api.put("/_connector/connector-d", {"name": "no-index"})


async def test_list_sorts_by_index_name_with_connectors_without_index_last(api: Api) -> None:
    await _seed(api)
    status, body = await api.get("/_connector")
    assert status == 200 and body["count"] == 4
    assert [item["id"] for item in body["results"]] == ["connector-b", "connector-a", "connector-c", "connector-d"]


async def test_list_pages_keep_the_total_count(api: Api) -> None:
    await _seed(api)
    _, body = await api.get("/_connector?from=1&size=2")
    assert body["count"] == 4
    assert [item["id"] for item in body["results"]] == ["connector-a", "connector-c"]


async def test_list_filters_combine(api: Api) -> None:
    await _seed(api)
    _, body = await api.get("/_connector?service_type=super-connector&connector_name=my-connector-3,my-connector-2")
    assert [item["id"] for item in body["results"]] == ["connector-c"]
    _, body = await api.get("/_connector?index_name=search-1-test,content-search-2-test")
    assert [item["id"] for item in body["results"]] == ["connector-b", "connector-a"]


async def test_list_query_matches_substrings_of_name_index_and_description(api: Api) -> None:
    await _seed(api)
    _, body = await api.get("/_connector?query=lph")
    assert [item["id"] for item in body["results"]] == ["connector-a"]
    _, body = await api.get("/_connector?query=search-")
    assert body["count"] == 3


async def test_list_excludes_soft_deleted_unless_asked(api: Api) -> None:
    await _seed(api)
    await api.delete("/_connector/connector-a")
    _, body = await api.get("/_connector")
    assert body["count"] == 3
    _, body = await api.get("/_connector?include_deleted=true")
    assert body["count"] == 4


async def test_list_rejects_bad_paging_and_index_names(api: Api) -> None:
    cases = {
        "/_connector?from=-1": ("illegal_argument_exception", "Parameter [from] cannot be < 0"),
        "/_connector?size=-1": ("illegal_argument_exception", "Parameter [size] cannot be < 0"),
        "/_connector?size=ten": ("illegal_argument_exception", "Failed to parse int parameter [size] with value [ten]"),
        "/_connector?include_deleted=yes": (
            "illegal_argument_exception",
            "Failed to parse value [yes] as only [true] or [false] are allowed.",
        ),
        "/_connector?index_name=bad%23name": (
            "action_request_validation_exception",
            "Validation Failed: 1: [bad#name] InvalidIndexNameException[Invalid index name [bad#name], "
            "must not contain '#'];",
        ),
    }
    for path, expected in cases.items():
        status, body = await api.get(path)
        assert (status, error_of(body)) == (400, expected), path


async def test_ids_with_encoded_slashes_and_unicode_round_trip(app: Quart) -> None:
    # httpx hands the raw path to the app as a real server does (Quart's test client re-encodes it).
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        ids = [("a/b", "a%2Fb"), ("ünï cödé", "%C3%BCn%C3%AF%20c%C3%B6d%C3%A9"), ("50%", "50%25")]
        for connector_id, path_id in ids:
            response = await client.put(f"/_connector/{path_id}", json={"name": connector_id})
            assert (response.status_code, response.json()["id"]) == (201, connector_id)
            response = await client.get(f"/_connector/{path_id}")
            assert (response.json()["id"], response.json()["name"]) == (connector_id, connector_id)
            response = await client.put(f"/_connector/{path_id}/_last_sync", json={"last_sync_error": "x"})
            assert response.status_code == 200


async def test_ids_over_512_bytes_are_rejected(api: Api) -> None:
    long_id = "é" * 257
    status, body = await api.put(f"/_connector/{long_id}", {})
    assert status == 400
    assert error_of(body) == (
        "action_request_validation_exception",
        f"Validation Failed: 1: id [{long_id}] is too long, must be no longer than 512 bytes but was: 514;",
    )
