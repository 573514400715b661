"""The real app with authentication on (the test users file), over memory and the SQLite default."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from quart import Quart

from app import create_app
from app.security.guard import SECURITY_KEY, Security
from config.settings import Settings
from storage import Storage
from tests.api.conftest import Api
from tests.security.conftest import basic


@pytest.fixture(
    params=[pytest.param("memory", marks=pytest.mark.memory), pytest.param("sqlite", marks=pytest.mark.sqlite)]
)
def storage_url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "memory://"
    url: str = request.getfixturevalue("sqlite_url")
    return url


@pytest.fixture
async def app(storage: Storage, users_file: Path) -> AsyncIterator[Quart]:
    application = create_app(Settings(storage=storage.url, users_file=str(users_file)), storage=storage)
    async with application.test_app():
        yield application


@pytest.fixture
def api(app: Quart) -> Api:
    return Api(app.test_client())


def security_of(app: Quart) -> Security:
    security = app.extensions[SECURITY_KEY]
    assert isinstance(security, Security)
    return security


async def create_key(api: Api, user: str, body: dict[str, Any]) -> dict[str, Any]:
    """`POST /_security/api_key` as `user`; the creation response."""
    status, created = await api.post("/_security/api_key", body, headers=basic(user))
    assert status == 200, created
    return dict(created)
