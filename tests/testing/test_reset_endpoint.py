"""`POST /_connector_api/_reset` exists only in test mode; seed files load at start-up."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from quart.typing import TestClientProtocol as HttpClient

from app import create_app
from app.routes.testing import RESET_PATH
from app.testing.seed import SeedError
from config.settings import Settings
from storage import Storage
from storage.indices import SYNC_JOBS

Client = Callable[..., AbstractAsyncContextManager[HttpClient]]


@pytest.fixture
def client(storage: Storage) -> Client:
    """`async with client(test_mode=..., seed=...) as http:` a test client of the started app."""

    @asynccontextmanager
    async def started(**settings: Any) -> AsyncIterator[HttpClient]:
        app = create_app(Settings(storage=storage.url, **settings), storage=storage)
        async with app.test_app():
            yield app.test_client()

    return started


async def call(http: HttpClient, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    options: dict[str, Any] = {"method": method} if body is None else {"method": method, "json": body}
    response = await http.open(path, **options)
    text = await response.get_data(as_text=True)
    return response.status_code, json.loads(text) if text else None


@pytest.fixture
def seed_file(tmp_path: Path) -> str:
    path = tmp_path / "seed.ndjson"
    path.write_text('{"id": "drive", "name": "Drive", "index_name": "search-drive"}\n{"id": "wiki"}\n')
    return str(path)


async def test_reset_is_an_unknown_path_when_test_mode_is_off(client: Client) -> None:
    async with client() as http:
        await call(http, "PUT", "/_connector/kept", {"name": "Kept"})
        status, body = await call(http, "POST", RESET_PATH)
        assert status == 404
        assert body["error"]["type"] == "illegal_argument_exception"
        assert body["error"]["reason"] == f"no handler found for uri [{RESET_PATH}] and method [POST]"
        assert (await call(http, "GET", "/_connector/kept"))[0] == 200


async def test_reset_in_test_mode_deletes_connectors_and_sync_jobs(client: Client, storage: Storage) -> None:
    async with client(test_mode=True) as http:
        await call(http, "PUT", "/_connector/one", {"name": "One"})
        await storage.create_document(SYNC_JOBS, "job", {"connector": {"id": "one"}})
        assert await call(http, "POST", RESET_PATH) == (200, {"acknowledged": True})
        assert await call(http, "GET", "/_connector") == (200, {"count": 0, "results": []})
        assert await storage.get_document(SYNC_JOBS, "job") is None


async def test_seed_file_connectors_exist_once_the_app_has_started(client: Client, seed_file: str) -> None:
    async with client(seed=seed_file) as http:
        status, listed = await call(http, "GET", "/_connector")
        assert status == 200
        assert sorted((item["id"], item["name"], item.get("index_name")) for item in listed["results"]) == [
            ("drive", "Drive", "search-drive"),
            ("wiki", "", None),
        ]
        assert (await call(http, "POST", RESET_PATH))[0] == 404


async def test_reset_restores_the_seeded_connectors_as_they_were(client: Client, seed_file: str) -> None:
    async with client(test_mode=True, seed=seed_file) as http:
        await call(http, "PUT", "/_connector/drive/_name", {"name": "Renamed"})
        await call(http, "DELETE", "/_connector/wiki?hard=true")
        await call(http, "PUT", "/_connector/extra", {})
        assert (await call(http, "POST", RESET_PATH))[0] == 200
        _, listed = await call(http, "GET", "/_connector")
        assert sorted((item["id"], item["name"]) for item in listed["results"]) == [("drive", "Drive"), ("wiki", "")]


async def test_reset_refuses_a_body_and_unknown_parameters(client: Client) -> None:
    async with client(test_mode=True) as http:
        status, body = await call(http, "POST", RESET_PATH, {"all": True})
        assert (status, body["error"]["type"], body["error"]["reason"]) == (
            400,
            "illegal_argument_exception",
            f"request [POST {RESET_PATH}] does not support having a body",
        )
        status, body = await call(http, "POST", f"{RESET_PATH}?everything=true")
        assert (status, body["error"]["type"]) == (400, "illegal_argument_exception")
        assert body["error"]["reason"].startswith(
            f"request [{RESET_PATH}] contains unrecognized parameter: [everything]"
        )


async def test_reset_answers_only_post(client: Client) -> None:
    async with client(test_mode=True) as http:
        status, body = await call(http, "GET", RESET_PATH)
        assert (status, body["error"]["type"]) == (405, "illegal_argument_exception")
        assert (
            body["error"]["reason"] == f"Incorrect HTTP method for uri [{RESET_PATH}] and method [GET], allowed: [POST]"
        )


def test_bad_seed_file_fails_app_creation_with_a_one_line_reason(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text('[{"id": "a", "name": 1}]')
    with pytest.raises(SeedError) as raised:
        create_app(Settings(storage="memory://", seed=str(path)))
    assert str(raised.value) == (
        f"seed file {path}, item 1: [1:22] [connector_put_request] name doesn't support values of type: VALUE_NUMBER"
    )
