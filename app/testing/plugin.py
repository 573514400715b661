"""The pytest plugin (entry point `pytest11`: `connector_api`), installed with the package.

Fixtures:

- `connector_api`: a `ConnectorApi` with no data in it, for this test (`.client`,
  `.async_client`, `.url`, `.http`, `.reset()`);
- `connector_api_client` / `connector_api_async_client`: its official clients;
- `connector_api_server`: the same server, session-scoped, for session- or module-scoped
  fixtures that need its URL; every test that uses it starts from a reset.

One server serves the whole session: the in-process app (built once, because building its
route map costs tens of milliseconds), emptied and re-seeded before each test that uses it,
which costs about 2 ms. "No data" is that reset: an empty storage plus the seed file.

Options (command line, else environment, else ini):

- `--connector-api-storage URL` / ini `connector_api_storage`: the in-process app's storage
  (default `memory://`; any `connector-api` storage URL, migrated at session start);
- `--connector-api-url URL` / `CONNECTOR_API_URL` / ini `connector_api_url`: use the server
  running there instead; it must be in test mode, since each test resets it (all its data!);
- `--connector-api-seed FILE` / ini `connector_api_seed`: a seed file for the in-process app.

While the server fixture lives, `DISABLE_WARN_STACKLEVEL=1` is set unless the environment sets
it: the client's beta-API warnings then name the client's frame instead of the test's, and a
client call costs ~1 ms instead of ~10 (see `connector_api_server`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the clients and the in-process server load only when a fixture is used
    from elasticsearch import AsyncElasticsearch, Elasticsearch

    from app.testing.instance import ConnectorApi

URL_ENV = "CONNECTOR_API_URL"
STACKLEVEL_ENV = "DISABLE_WARN_STACKLEVEL"
DEFAULT_STORAGE = "memory://"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("connector-api", "connector-api test server")
    group.addoption(
        "--connector-api-storage", metavar="URL", help=f"storage of the in-process server (default {DEFAULT_STORAGE})"
    )
    group.addoption("--connector-api-url", metavar="URL", help=f"use the test-mode server at URL (default ${URL_ENV})")
    group.addoption("--connector-api-seed", metavar="FILE", help="seed file of the in-process server")
    parser.addini("connector_api_storage", f"storage of the in-process server (default {DEFAULT_STORAGE})")
    parser.addini("connector_api_url", "use the test-mode server at this URL")
    parser.addini("connector_api_seed", "seed file (JSON array or NDJSON) of the in-process server")


def option(config: pytest.Config, name: str, environment: str | None = None) -> str:
    """A plugin option: the command line's, else the environment's, else the ini file's, else ""."""
    value: str | None = config.getoption(f"connector_api_{name}")
    if not value and environment:
        value = os.environ.get(environment)
    if not value:
        value = str(config.getini(f"connector_api_{name}"))
    return value or ""


def start_server(config: pytest.Config) -> ConnectorApi:
    """The session's server, as the options choose it; reset once, so a wrong one fails early."""
    from app.testing.instance import ConnectorApi
    from config.settings import Settings

    url = option(config, "url", URL_ENV)
    if url:
        api = ConnectorApi.external(url)
    else:
        storage = option(config, "storage") or DEFAULT_STORAGE
        api = ConnectorApi.in_process(Settings(storage=storage, seed=option(config, "seed"), test_mode=True))
    try:
        api.reset()
    except BaseException:
        api.close()
        raise
    return api


@pytest.fixture(scope="session")
def connector_api_server(pytestconfig: pytest.Config) -> Iterator[ConnectorApi]:
    """The session's connector-api; each test that uses it starts from a reset."""
    try:
        api = start_server(pytestconfig)
    except Exception as error:  # any start-up failure is shown as one line, not a plugin traceback
        raise pytest.fail.Exception(f"connector-api: {error}", pytrace=False) from None
    with pytest.MonkeyPatch.context() as patch:
        if STACKLEVEL_ENV not in os.environ:
            # The client warns on each call of a beta API (all the connector APIs are) and finds the
            # warning's stack level with `inspect.stack()`, which reads the source of every frame:
            # ~10 ms a call under pytest's deep stacks, against ~1 ms for the call itself.
            patch.setenv(STACKLEVEL_ENV, "1")
        try:
            yield api
        finally:
            api.close()


def reset(api: ConnectorApi) -> None:
    from app.testing.instance import ConnectorApiError

    try:
        api.reset()
    except ConnectorApiError as error:  # e.g. the external server went away: one line, not a traceback
        raise pytest.fail.Exception(f"connector-api: {error}", pytrace=False) from None


@pytest.fixture(autouse=True)
def _connector_api_reset(request: pytest.FixtureRequest) -> None:
    if "connector_api_server" in request.fixturenames and "connector_api" not in request.fixturenames:
        reset(request.getfixturevalue("connector_api_server"))


@pytest.fixture
def connector_api(connector_api_server: ConnectorApi) -> ConnectorApi:
    """A connector-api holding no data but the seed file's, for this test."""
    reset(connector_api_server)
    return connector_api_server


@pytest.fixture
def connector_api_client(connector_api: ConnectorApi) -> Elasticsearch:
    """The official `Elasticsearch` client of `connector_api` (in-process: no socket)."""
    return connector_api.client


@pytest.fixture
def connector_api_async_client(connector_api: ConnectorApi) -> AsyncElasticsearch:
    """The official `AsyncElasticsearch` client of `connector_api`, usable from any asyncio loop."""
    return connector_api.async_client
