"""The app with every route it can have (test mode adds the reset), over the in-memory storage.

The OpenAPI document describes routes, not data: one storage is enough.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from quart import Quart

from app import create_app
from app.openapi import openapi_document
from config.settings import Settings
from tests.api.conftest import Api


def full_app() -> Quart:
    return create_app(Settings(storage="memory://", test_mode=True))


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document(full_app())


@pytest.fixture
async def app() -> AsyncIterator[Quart]:
    application = full_app()
    async with application.test_app():
        yield application


@pytest.fixture
def api(app: Quart) -> Api:
    return Api(app.test_client())
