"""`ConnectorApi`: the official clients reach the app in-process, with no socket; and servers elsewhere."""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import ConnectionError as ClientConnectionError
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.exceptions import GeneralAvailabilityWarning

from app.testing import ConnectorApi, ConnectorApiError, serve_in_thread
from app.testing.server import TEST_SETTINGS, free_port
from config.settings import Settings


@pytest.fixture(autouse=True)
def _beta_apis_are_expected() -> Iterator[None]:
    """The client warns that the connector APIs are beta on every call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeneralAvailabilityWarning)
        yield


@pytest.fixture(scope="module")
def api() -> Iterator[ConnectorApi]:
    with ConnectorApi.in_process() as instance:
        yield instance


@pytest.fixture
def clean(api: ConnectorApi) -> ConnectorApi:
    api.reset()
    return api


def test_sync_client_creates_and_reads_connectors_in_process(clean: ConnectorApi) -> None:
    assert clean.client.connector.put(connector_id="drive", name="Drive", index_name="search-drive")["result"] == (
        "created"
    )
    connector = clean.client.connector.get(connector_id="drive")
    assert (connector["id"], connector["name"], connector["index_name"]) == ("drive", "Drive", "search-drive")
    assert clean.client.info()["tagline"] == "You Know, for Search"


def test_ids_with_slashes_keep_their_encoded_slash(clean: ConnectorApi) -> None:
    clean.client.connector.put(connector_id="team/drive", name="Shared")
    assert clean.client.connector.get(connector_id="team/drive")["id"] == "team/drive"
    assert clean.http.get("/_connector/team%2Fdrive").json()["name"] == "Shared"


def test_errors_reach_the_client_as_elasticsearch_errors(clean: ConnectorApi) -> None:
    with pytest.raises(NotFoundError) as raised:
        clean.client.connector.get(connector_id="absent")
    assert raised.value.meta.status == 404
    assert raised.value.body["error"]["reason"] == "connector [absent] not found"


def test_in_process_clients_need_no_listening_server() -> None:
    with ConnectorApi.in_process() as api:
        api.client.connector.put(connector_id="a", name="A")
        assert api.client.connector.list()["count"] == 1
        assert api._embedded is not None and api._embedded.url is None


async def test_async_client_works_from_this_tests_event_loop(clean: ConnectorApi) -> None:
    await clean.async_client.connector.put(connector_id="wiki", name="Wiki")
    names = await asyncio.gather(*(clean.async_client.connector.get(connector_id="wiki") for _ in range(5)))
    assert {connector["name"] for connector in names} == {"Wiki"}


async def test_async_client_works_again_from_another_tests_loop(clean: ConnectorApi) -> None:
    """pytest-asyncio gives each test a new loop; the client's requests run on the app's own."""
    await clean.async_client.connector.put(connector_id="wiki", name="Again")
    assert (await clean.async_client.connector.get(connector_id="wiki"))["name"] == "Again"


def test_url_serves_the_same_storage_to_any_http_client(clean: ConnectorApi) -> None:
    clean.client.connector.put(connector_id="shared", name="Seen over HTTP")
    with Elasticsearch(clean.url) as over_http:
        assert over_http.connector.get(connector_id="shared")["name"] == "Seen over HTTP"
        over_http.connector.put(connector_id="back", name="Written over HTTP")
    assert clean.client.connector.get(connector_id="back")["name"] == "Written over HTTP"
    assert clean.url == clean.url


def test_reset_empties_the_server(clean: ConnectorApi) -> None:
    clean.client.connector.put(connector_id="gone", name="Gone")
    clean.reset()
    assert clean.client.connector.list()["count"] == 0


def test_in_process_app_is_always_in_test_mode() -> None:
    with ConnectorApi.in_process(Settings(storage="memory://", test_mode=False)) as api:
        api.reset()


def test_sqlite_storage_is_migrated_and_used_by_both_clients(tmp_path: Path) -> None:
    settings = Settings(storage=f"sqlite:///{tmp_path / 'fresh.db'}")
    with ConnectorApi.in_process(settings) as api:
        api.client.connector.put(connector_id="disk", name="On disk")

        async def read_back() -> str:
            name: str = (await api.async_client.connector.get(connector_id="disk"))["name"]
            return name

        assert asyncio.run(read_back()) == "On disk"
    assert (tmp_path / "fresh.db").is_file()


def test_close_stops_the_apps_thread() -> None:
    before = threading.active_count()
    api = ConnectorApi.in_process()
    api.client.info()
    assert threading.active_count() == before + 1
    api.close()
    assert threading.active_count() == before


def test_external_server_in_test_mode_is_used_and_reset_over_http() -> None:
    with serve_in_thread(TEST_SETTINGS) as url, ConnectorApi.external(url) as api:
        api.client.connector.put(connector_id="remote", name="Remote")
        assert api.url == url
        with Elasticsearch(url) as direct:
            assert direct.connector.get(connector_id="remote")["name"] == "Remote"
            api.reset()
            assert direct.connector.list()["count"] == 0


async def test_external_server_async_client_uses_its_own_connections() -> None:
    with serve_in_thread(TEST_SETTINGS) as url, ConnectorApi.external(url) as api:
        await api.async_client.connector.put(connector_id="remote", name="Remote")
        assert (await api.async_client.connector.get(connector_id="remote"))["name"] == "Remote"


def test_external_server_not_in_test_mode_cannot_be_reset() -> None:
    with serve_in_thread(Settings(storage="memory://")) as url, ConnectorApi.external(url) as api:
        with pytest.raises(ConnectorApiError) as raised:
            api.reset()
    assert str(raised.value) == (
        f"the connector-api at {url} cannot be reset: POST /_connector_api/_reset answered 404. Start it in test "
        "mode (`connector-api serve --test-mode`, or CONNECTOR_API_TEST_MODE=true): only then does it have this "
        "endpoint"
    )


def test_unreachable_external_server_is_reported_with_its_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with ConnectorApi.external(url) as api:
        with pytest.raises(ConnectorApiError, match=rf"^cannot reach the connector-api at {url}: "):
            api.reset()
        with pytest.raises(ClientConnectionError):
            api.client.options(max_retries=0).info()
