"""Connector secrets through the real app: the API, its errors, routing, and encryption at rest."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest
from quart import Quart

from app import create_app
from app.services.secret_keys import generate_key
from config.settings import Settings
from storage import Storage
from storage.documents import Search
from storage.indices import SECRETS
from tests.api.conftest import Api, error_of

KEY = generate_key()


@pytest.fixture
async def app(storage: Storage) -> AsyncIterator[Quart]:
    """The real app with a configured secrets key, so no test writes a key file."""
    application = create_app(Settings(storage=storage.url, secrets_key=KEY), storage=storage)
    async with application.test_app():
        yield application


async def test_posted_secret_reads_back_under_its_generated_id(api: Api) -> None:
    status, body = await api.post("/_connector/_secret", {"value": "my-secret"})
    assert status == 200 and set(body) == {"id"} and len(body["id"]) == 20
    assert await api.get(f"/_connector/_secret/{body['id']}") == (200, {"id": body["id"], "value": "my-secret"})


async def test_put_creates_then_replaces_a_secret(api: Api) -> None:
    assert await api.put("/_connector/_secret/s1", {"value": "first"}) == (201, {"result": "created"})
    assert await api.put("/_connector/_secret/s1", {"value": "second"}) == (200, {"result": "updated"})
    assert await api.get("/_connector/_secret/s1") == (200, {"id": "s1", "value": "second"})


async def test_deleted_secret_is_gone(api: Api) -> None:
    await api.put("/_connector/_secret/s1", {"value": "v"})
    assert await api.delete("/_connector/_secret/s1") == (200, {"deleted": True})
    status, body = await api.get("/_connector/_secret/s1")
    assert (status, error_of(body)) == (404, ("resource_not_found_exception", "No secret with id [s1]"))


async def test_secret_recreated_after_delete_is_created_again(api: Api) -> None:
    await api.put("/_connector/_secret/s1", {"value": "v"})
    await api.delete("/_connector/_secret/s1")
    assert await api.put("/_connector/_secret/s1", {"value": "w"}) == (201, {"result": "created"})


@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_missing_secret_is_not_found(api: Api, method: str) -> None:
    status, body = await api.call(method, "/_connector/_secret/nope")
    assert (status, error_of(body)) == (404, ("resource_not_found_exception", "No secret with id [nope]"))


@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_empty_secret_id_is_a_validation_error(api: Api, method: str) -> None:
    status, body = await api.call(method, "/_connector/_secret/")
    assert (status, error_of(body)) == (
        400,
        (
            "action_request_validation_exception",
            "Validation Failed: 1: [id] of the connector secret cannot be null or empty.;",
        ),
    )


POST_ERRORS = [
    (
        {},
        "action_request_validation_exception",
        'Validation Failed: 1: [value] of the connector secret cannot be [null] or [""];',
    ),
    (
        {"value": ""},
        "action_request_validation_exception",
        'Validation Failed: 1: [value] of the connector secret cannot be [null] or [""];',
    ),
    (
        {"value": None},
        "x_content_parse_exception",
        "[1:11] [post_secret_request] value doesn't support values of type: VALUE_NULL",
    ),
    (
        {"value": 5},
        "x_content_parse_exception",
        "[1:11] [post_secret_request] value doesn't support values of type: VALUE_NUMBER",
    ),
    ({"value": "v", "id": "x"}, "x_content_parse_exception", "[1:16] [post_secret_request] unknown field [id]"),
]


@pytest.mark.parametrize("body, error_type, reason", POST_ERRORS)
async def test_bad_post_is_rejected_and_stores_nothing(
    api: Api, storage: Storage, body: dict[str, object], error_type: str, reason: str
) -> None:
    status, response = await api.post("/_connector/_secret", body)
    assert (status, error_of(response)) == (400, (error_type, reason))
    assert not await _stored_ids(storage)


PUT_ERRORS = [
    ({}, "illegal_argument_exception", "Required [value]"),
    ({"value": ""}, "action_request_validation_exception", 'Validation Failed: 1: [value] cannot be [null] or [""];'),
    (
        {"value": None},
        "x_content_parse_exception",
        "[1:11] [connector_secret_put_request] value doesn't support values of type: VALUE_NULL",
    ),
    (
        {"value": "v", "values": 1},
        "x_content_parse_exception",
        "[1:16] [connector_secret_put_request] unknown field [values] did you mean [value]?",
    ),
]


@pytest.mark.parametrize("body, error_type, reason", PUT_ERRORS)
async def test_bad_put_is_rejected_and_changes_nothing(
    api: Api, body: dict[str, object], error_type: str, reason: str
) -> None:
    await api.put("/_connector/_secret/s1", {"value": "kept"})
    status, response = await api.put("/_connector/_secret/s1", body)
    assert (status, error_of(response)) == (400, (error_type, reason))
    assert (await api.get("/_connector/_secret/s1"))[1]["value"] == "kept"


async def test_put_with_empty_id_and_value_reports_both(api: Api) -> None:
    status, response = await api.put("/_connector/_secret/", {"value": ""})
    assert (status, error_of(response)) == (
        400,
        (
            "action_request_validation_exception",
            'Validation Failed: 1: [id] cannot be [null] or [""];2: [value] cannot be [null] or [""];',
        ),
    )


@pytest.mark.parametrize("method, path", [("POST", "/_connector/_secret"), ("PUT", "/_connector/_secret/s1")])
async def test_secret_write_without_body_is_a_parse_exception(api: Api, method: str, path: str) -> None:
    status, response = await api.call(method, path)
    assert (status, error_of(response)) == (400, ("parse_exception", "request body is required"))


async def test_secret_routes_win_over_connector_routes(api: Api) -> None:
    await api.put("/_connector/abc", {"index_name": "search-abc"})
    status, body = await api.get("/_connector/_secret/abc")
    assert (status, error_of(body)) == (404, ("resource_not_found_exception", "No secret with id [abc]"))
    await api.post("/_connector/_secret", {"value": "v"})
    status, listed = await api.get("/_connector")
    assert [connector["id"] for connector in listed["results"]] == ["abc"]


async def test_connector_named_secret_still_uses_the_connector_routes_for_other_methods(api: Api) -> None:
    assert (await api.put("/_connector/_secret", {"index_name": "search-s"}))[0] == 201
    status, body = await api.get("/_connector/_secret")
    assert (status, body["id"], body["index_name"]) == (200, "_secret", "search-s")


async def test_stored_secret_is_encrypted(api: Api, storage: Storage) -> None:
    await api.put("/_connector/_secret/s1", {"value": "plain-text-password"})
    document = await storage.get_document(SECRETS, "s1")
    assert document is not None
    assert set(document.source) == {"encrypted_value", "key_fingerprint"}
    assert b"plain-text-password" not in orjson.dumps(document.source)


async def test_secret_written_with_another_key_is_reported_unreadable(api: Api, storage: Storage) -> None:
    await api.put("/_connector/_secret/s1", {"value": "v"})
    other = create_app(Settings(storage=storage.url, secrets_key=generate_key()), storage=storage)
    async with other.test_app():
        status, body = await Api(other.test_client()).get("/_connector/_secret/s1")
    assert status == 500 and body["error"]["type"] == "exception"
    assert body["error"]["reason"].startswith(
        "secret [s1] cannot be decrypted: it was encrypted with the secrets key ["
    )
    assert body["error"]["reason"].endswith("give every server sharing this storage the same secrets_key")


async def test_ciphertext_copied_to_another_id_does_not_decrypt(api: Api, storage: Storage) -> None:
    await api.put("/_connector/_secret/s1", {"value": "v"})
    document = await storage.get_document(SECRETS, "s1")
    assert document is not None
    await storage.index_document(SECRETS, "s2", document.source)
    status, body = await api.get("/_connector/_secret/s2")
    assert (status, error_of(body)) == (
        500,
        ("exception", "secret [s2] cannot be decrypted: its stored form was altered or belongs to another id"),
    )


async def _stored_ids(storage: Storage) -> list[str]:
    page = await storage.search(SECRETS, Search(limit=10))
    return [document.id for document in page.documents]
