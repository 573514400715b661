"""Transport compatibility: headers, media types, common parameters, routing errors, limits."""

from __future__ import annotations

from quart import Quart

from app import create_app
from config.settings import Settings
from storage.memory import MemoryStorage
from tests.api.conftest import Api, error_of

VENDOR_9 = "application/vnd.elasticsearch+json; compatible-with=9"


async def test_root_describes_the_node_like_elasticsearch(api: Api) -> None:
    status, body = await api.get("/")
    assert status == 200
    assert set(body) == {"name", "cluster_name", "cluster_uuid", "version", "tagline"}
    assert body["version"]["number"].startswith("9.") and body["version"]["build_flavor"] == "default"
    assert body["tagline"] == "You Know, for Search"


async def test_head_root_answers_without_body(app: Quart) -> None:
    response = await app.test_client().head("/")
    assert response.status_code == 200
    assert response.headers["X-Elastic-Product"] == "Elasticsearch"
    assert await response.get_data() == b""


async def test_vendor_media_types_are_accepted_and_echoed(app: Quart) -> None:
    headers = {"Accept": VENDOR_9, "Content-Type": VENDOR_9}
    response = await app.test_client().put("/_connector/c", data=b'{"name": "x"}', headers=headers)
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/vnd.elasticsearch+json;compatible-with=9"


async def test_compatible_with_8_is_accepted(app: Quart) -> None:
    vendor_8 = "application/vnd.elasticsearch+json; compatible-with=8"
    response = await app.test_client().put(
        "/_connector/c", data=b"{}", headers={"Accept": vendor_8, "Content-Type": vendor_8}
    )
    assert response.status_code == 201


async def test_unsupported_compatible_version_is_rejected(api: Api) -> None:
    vendor_7 = "application/vnd.elasticsearch+json; compatible-with=7"
    status, body = await api.get("/_connector", headers={"Accept": vendor_7})
    assert status == 400
    assert error_of(body) == (
        "status_exception",
        f"Accept version must be either version 9 or 8, but found 7. Accept={vendor_7}",
    )


async def test_mismatched_accept_and_content_type_versions_are_rejected(api: Api) -> None:
    headers = {"Accept": VENDOR_9, "Content-Type": "application/json"}
    status, body = await api.put("/_connector/c", raw=b"{}", headers=headers)
    assert status == 400
    assert error_of(body)[0] == "status_exception"
    assert error_of(body)[1].startswith("A compatible version is required on both Content-Type and Accept headers")


async def test_unsupported_content_type_is_not_acceptable(api: Api) -> None:
    status, body = await api.put("/_connector/c", raw=b"name=x", headers={"Content-Type": "text/plain"})
    assert status == 406
    assert error_of(body)[1] == "Content-Type header [text/plain] is not supported"


async def test_json_with_charset_is_accepted(api: Api) -> None:
    status, _ = await api.put("/_connector/c", raw=b"{}", headers={"Content-Type": "application/json; charset=UTF-8"})
    assert status == 201


async def test_unknown_query_parameter_is_rejected_with_a_suggestion(api: Api) -> None:
    status, body = await api.get("/_connector?fro=1")
    assert status == 400
    assert error_of(body) == (
        "illegal_argument_exception",
        "request [/_connector] contains unrecognized parameter: [fro] -> did you mean [from]?",
    )


async def test_common_parameters_are_accepted_everywhere(api: Api) -> None:
    status, _ = await api.get("/_connector?human=true&error_trace=false")
    assert status == 200


async def test_pretty_prints_like_elasticsearch(app: Quart) -> None:
    response = await app.test_client().get("/_connector?pretty")
    assert await response.get_data(as_text=True) == '{\n  "count" : 0,\n  "results" : [ ]\n}\n'.replace("[ ]", "[]")


async def test_filter_path_keeps_only_matching_fields(api: Api) -> None:
    await api.put("/_connector/c", {"index_name": "search-c", "name": "n"})
    status, body = await api.get("/_connector?filter_path=count,results.id,results.scheduling.*.enabled")
    assert status == 200
    enabled = {"enabled": False}
    assert body == {
        "count": 1,
        "results": [{"id": "c", "scheduling": {"access_control": enabled, "full": enabled, "incremental": enabled}}],
    }


async def test_filter_path_never_hides_errors(api: Api) -> None:
    status, body = await api.get("/_connector/missing?filter_path=id")
    assert status == 404 and error_of(body)[0] == "resource_not_found_exception"


async def test_unknown_route_is_not_found_in_the_error_envelope(api: Api) -> None:
    status, body = await api.get("/_nothing/here")
    assert status == 404
    assert error_of(body) == (
        "illegal_argument_exception",
        "no handler found for uri [/_nothing/here] and method [GET]",
    )


async def test_wrong_method_is_405_with_allowed_methods(app: Quart) -> None:
    response = await app.test_client().post("/_connector/c")
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE,GET,PUT"
    body = await response.get_json()
    assert body["error"]["reason"] == (
        "Incorrect HTTP method for uri [/_connector/c] and method [POST], allowed: [DELETE, GET, PUT]"
    )


async def test_body_over_the_limit_is_413_in_the_error_envelope() -> None:
    app = create_app(Settings(storage="memory://", max_content_length=64), storage=MemoryStorage())
    async with app.test_app() as test_app:
        response = await test_app.test_client().put(
            "/_connector/c", data=b'{"name": "' + b"x" * 100 + b'"}', headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 413
        body = await response.get_json()
        assert body["error"]["type"] == "content_too_long_exception"
        assert response.headers["X-Elastic-Product"] == "Elasticsearch"


async def test_invalid_utf8_is_a_parse_error(api: Api) -> None:
    status, body = await api.put("/_connector/c", raw=b'{"name": "\xff\xfe"}')
    assert status == 400
    assert error_of(body)[0] == "x_content_parse_exception"


async def test_deeply_nested_json_is_a_client_error(api: Api) -> None:
    status, body = await api.put("/_connector/c/_last_sync", raw=b"[" * 5000 + b"]" * 5000)
    assert status == 400
    assert error_of(body)[0] == "x_content_parse_exception"
