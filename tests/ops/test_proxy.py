"""Proxy settings through the real app: trusted `X-Forwarded-*` hops and the `root_path` prefix."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from app import create_app
from config.loading import SettingsError, load_settings
from config.logging import configure_logging
from config.settings import Settings
from tests.api.conftest import Api, error_of

pytestmark = pytest.mark.memory

AccessRecords = Callable[[], list[dict[str, Any]]]
FORWARDED = {"X-Forwarded-For": "198.51.100.7, 192.0.2.1", "X-Forwarded-Proto": "https, http"}
"""Two proxies: the first saw the client over HTTPS, the second saw the first over HTTP."""


@pytest.fixture
def access_log() -> Iterator[AccessRecords]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("info", "json", stream=stream)
    yield lambda: [
        record for line in stream.getvalue().splitlines()
        if (record := json.loads(line))["log"]["logger"] == "connector_api.access"
    ]
    root.handlers, root.level = handlers, level


@pytest.fixture
async def make_api() -> AsyncIterator[Callable[..., Awaitable[Api]]]:
    """`await make_api(**settings)`: an Api over a started app with those settings, on memory storage."""
    async with AsyncExitStack() as stack:

        async def make(**settings: Any) -> Api:
            application = create_app(Settings(storage="memory://", access_log=True, **settings))
            return Api((await stack.enter_async_context(application.test_app())).test_client())

        yield make


@pytest.mark.parametrize(("hops", "client", "scheme"), [(1, "192.0.2.1", "http"), (2, "198.51.100.7", "https")])
async def test_trusted_hops_take_the_client_and_scheme_the_proxies_added(
    make_api: Callable[..., Awaitable[Api]], access_log: AccessRecords, hops: int, client: str, scheme: str
) -> None:
    api = await make_api(proxy_trusted_hops=hops)

    await api.get("/", headers=FORWARDED)

    [record] = access_log()
    assert (record["client"]["address"], record["url"]["scheme"]) == (client, scheme)


async def test_forwarded_headers_are_ignored_without_trusted_hops(
    make_api: Callable[..., Awaitable[Api]], access_log: AccessRecords
) -> None:
    api = await make_api()

    await api.get("/", headers=FORWARDED)

    [record] = access_log()
    assert "client" not in record  # the test client has no address; the header did not give it one
    assert record["url"]["scheme"] == "http"


async def test_paths_under_the_root_path_are_routed_on_the_rest(make_api: Callable[..., Awaitable[Api]]) -> None:
    api = await make_api(root_path="/es")
    created = await api.put("/es/_connector/prefixed", {"name": "Prefixed"})

    assert created == (201, {"result": "created", "id": "prefixed"})
    assert (await api.get("/es/_connector/prefixed"))[1]["name"] == "Prefixed"
    assert (await api.get("/_connector/prefixed"))[1]["name"] == "Prefixed"
    assert (await api.get("/es"))[1]["tagline"] == "You Know, for Search"


async def test_an_encoded_slash_under_the_root_path_stays_inside_its_segment() -> None:
    application = create_app(Settings(storage="memory://", root_path="/es"))
    # httpx hands the raw path to the app as a server does (Quart's test client re-encodes it).
    async with application.test_app(), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://test"
    ) as client:
        created = await client.put("/es/_connector/a%2Fb", json={"name": "Slashed"})
        read = await client.get("/es/_connector/a%2Fb")

    assert (created.status_code, read.json()["id"]) == (201, "a/b")


async def test_a_path_that_only_starts_like_the_prefix_is_not_under_it(make_api: Callable[..., Awaitable[Api]]) -> None:
    api = await make_api(root_path="/es/")

    status, body = await api.get("/esx/_connector")

    assert (status, error_of(body)) == (
        404, ("illegal_argument_exception", "no handler found for uri [/esx/_connector] and method [GET]")
    )


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("CONNECTOR_API_LOG_FORMAT", "xml", "'xml' is not one of auto, json, console"),
        ("CONNECTOR_API_PROXY_TRUSTED_HOPS", "-1", "'-1' is below the minimum of 0"),
        ("CONNECTOR_API_ROOT_PATH", "es", "'es' does not start with /"),
    ],
)
def test_invalid_operation_settings_are_refused_with_one_line(variable: str, value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(environ={variable: value})

    assert str(raised.value) == f"invalid value for {variable}: {problem}"
