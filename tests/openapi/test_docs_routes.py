"""`GET /_openapi.json` and `GET /_docs` through the real app."""

from __future__ import annotations

import base64
import html
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from quart import Quart

from app import create_app
from app.openapi import openapi_document
from app.security.passwords import hash_password
from config.settings import Settings
from tests.api.conftest import Api, error_of

METHODS = ("get", "head", "post", "put", "delete")


async def test_the_document_is_served_as_json(app: Quart) -> None:
    response = await app.test_client().get("/_openapi.json")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert json.loads(await response.get_data(as_text=True)) == openapi_document(app)


async def test_the_document_takes_the_common_parameters(api: Api) -> None:
    status, body = await api.get("/_openapi.json?filter_path=openapi,info.title&pretty")
    assert status == 200
    assert body == {"openapi": "3.1.0", "info": {"title": "Connector API"}}


@pytest.mark.parametrize("path", ["/_openapi.json", "/_docs"])
async def test_an_unknown_query_parameter_is_refused_as_elasticsearch_does(api: Api, path: str) -> None:
    status, body = await api.get(f"{path}?verbose=true")
    assert status == 400
    assert error_of(body) == (
        "illegal_argument_exception",
        f"request [{path}] contains unrecognized parameter: [verbose]",
    )


async def test_the_docs_page_lists_every_operation(app: Quart) -> None:
    response = await app.test_client().get("/_docs")
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.content_type == "text/html; charset=utf-8"
    document = openapi_document(app)
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                assert f'id="{item[method]["operationId"]}"' in page
                assert f"{method.upper()}</span> <code>{html.escape(path)}</code>" in page
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in page


async def test_the_docs_page_is_self_contained(app: Quart) -> None:
    response = await app.test_client().get("/_docs")
    page = await response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert "<script" not in page
    assert "src=" not in page
    assert 'href="http' not in page
    assert 'href="_openapi.json"' in page


@pytest.fixture
async def secured_app(tmp_path: Path) -> AsyncIterator[Quart]:
    """Authentication on, with one user who holds no privilege at all."""
    users = tmp_path / "users.toml"
    users.write_text(f'[users.reader]\npassword_hash = "{hash_password("reader-password")}"\nroles = []\n')
    application = create_app(Settings(storage="memory://", users_file=str(users)))
    async with application.test_app():
        yield application


@pytest.mark.parametrize("path", ["/_openapi.json", "/_docs"])
async def test_with_authentication_on_any_authenticated_caller_may_read_the_docs(secured_app: Quart, path: str) -> None:
    client = secured_app.test_client()
    token = base64.b64encode(b"reader:reader-password").decode()
    anonymous = await client.get(path)
    authenticated = await client.get(path, headers={"Authorization": f"Basic {token}"})
    assert anonymous.status_code == 401
    assert error_of(json.loads(await anonymous.get_data(as_text=True))) == (
        "security_exception",
        f"missing authentication credentials for REST request [{path}]",
    )
    assert authenticated.status_code == 200
