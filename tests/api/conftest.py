"""HTTP tests go through the real app: `app.test_app()` runs its start-up and shut-down."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from quart import Quart
from quart.typing import TestClientProtocol

from app import create_app
from config.settings import Settings
from storage import Storage


class Api:
    """A thin JSON client over Quart's test client: `await api.put(path, body)` → (status, json)."""

    def __init__(self, client: TestClientProtocol) -> None:
        self.client = client

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        options: dict[str, Any] = {"method": method, "headers": headers or {}}
        if raw is not None:
            options["data"] = raw
            options["headers"].setdefault("Content-Type", "application/json")
        elif body is not None:
            options["json"] = body
        response = await self.client.open(path, **options)
        assert response.headers.get("X-Elastic-Product") == "Elasticsearch" or response.status_code in (401, 403)
        text = await response.get_data(as_text=True)
        return response.status_code, (json.loads(text) if text else None)

    async def get(self, path: str, **options: Any) -> tuple[int, Any]:
        return await self.call("GET", path, **options)

    async def put(self, path: str, body: Any = None, **options: Any) -> tuple[int, Any]:
        return await self.call("PUT", path, body, **options)

    async def post(self, path: str, body: Any = None, **options: Any) -> tuple[int, Any]:
        return await self.call("POST", path, body, **options)

    async def delete(self, path: str, **options: Any) -> tuple[int, Any]:
        return await self.call("DELETE", path, **options)


@pytest.fixture(
    params=[pytest.param("memory", marks=pytest.mark.memory), pytest.param("sqlite", marks=pytest.mark.sqlite)]
)
def storage_url(request: pytest.FixtureRequest) -> str:
    """HTTP tests run on memory and on the embedded default; tests/storage covers every backend."""
    if request.param == "memory":
        return "memory://"
    url: str = request.getfixturevalue("sqlite_url")
    return url


@pytest.fixture
async def app(storage: Storage) -> AsyncIterator[Quart]:
    """The real app over the storage (fresh and empty for each test)."""
    application = create_app(Settings(storage=storage.url), storage=storage)
    async with application.test_app():
        yield application


@pytest.fixture
def api(app: Quart) -> Api:
    return Api(app.test_client())


def error_of(body: dict[str, Any]) -> tuple[str, str]:
    """`(type, reason)` of an Elasticsearch error body, checking the envelope's shape on the way."""
    error = body["error"]
    assert set(body) == {"error", "status"}
    assert error["root_cause"] and {"type", "reason"} <= set(error["root_cause"][0])
    return error["type"], error["reason"]
