"""The pytest plugin, run the way users run it: an inner pytest session (pytester) per test."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from elasticsearch.exceptions import GeneralAvailabilityWarning

from app.testing import ConnectorApi, serve_in_subprocess
from config.settings import Settings

pytest_plugins = ["pytester"]

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
filterwarnings =
    error
    ignore::elasticsearch.exceptions.GeneralAvailabilityWarning
"""

COUNT_THEN_CREATE = """
def test_first(connector_api):
    assert connector_api.client.connector.list()["count"] == 0
    connector_api.client.connector.put(connector_id="from-first", name="First")

def test_second(connector_api_client):
    assert connector_api_client.connector.list()["count"] == 0
    connector_api_client.connector.put(connector_id="from-second", name="Second")
"""


@pytest.fixture(autouse=True)
def _plain_environment(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CONNECTOR_API_URL", raising=False)
    pytester.makeini(INI)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeneralAvailabilityWarning)
        yield


def names_in(api: ConnectorApi) -> set[str]:
    return {connector["id"] for connector in api.client.connector.list()["results"]}


def test_plugin_is_registered_through_the_pytest11_entry_point() -> None:
    plugins = {entry.name: entry.value for entry in entry_points(group="pytest11")}
    assert plugins["connector_api"] == "app.testing.plugin"


def test_options_are_listed_in_pytest_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        ["connector-api test server:", "*--connector-api-storage=URL*", "*--connector-api-url=URL*"]
    )


def test_per_test_fixture_gives_each_test_an_empty_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(COUNT_THEN_CREATE)
    pytester.runpytest().assert_outcomes(passed=2)


def test_session_server_is_shared_and_reset_between_the_tests_using_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import json, urllib.request, pytest

        @pytest.fixture(scope="module")
        def base_url(connector_api_server):
            return connector_api_server.url

        def put(url, connector_id):
            request = urllib.request.Request(
                f"{url}/_connector/{connector_id}", data=b"{}", method="PUT",
                headers={"Content-Type": "application/json"},
            )
            return urllib.request.urlopen(request).status

        def test_one(base_url, connector_api_server):
            assert put(base_url, "one") == 201
            assert connector_api_server.client.connector.list()["count"] == 1

        def test_two(base_url, connector_api_server):
            assert connector_api_server.client.connector.list()["count"] == 0
            assert put(base_url, "two") == 201

        def test_same_server_for_the_per_test_fixture(connector_api, connector_api_server):
            assert connector_api is connector_api_server
        """
    )
    pytester.runpytest().assert_outcomes(passed=3)


def test_async_client_fixture_serves_async_tests_on_their_own_loops(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import asyncio

        async def test_create(connector_api_async_client):
            await connector_api_async_client.connector.put(connector_id="a", name="A")
            client = connector_api_async_client
            found = await asyncio.gather(*(client.connector.get(connector_id="a") for _ in range(3)))
            assert [item["name"] for item in found] == ["A", "A", "A"]

        async def test_fresh(connector_api_async_client, connector_api_client):
            assert (await connector_api_async_client.connector.list())["count"] == 0
            connector_api_client.connector.put(connector_id="b", name="B")
            assert (await connector_api_async_client.connector.get(connector_id="b"))["name"] == "B"
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_sessions_not_using_the_fixtures_load_no_client_and_start_no_server(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")  # the usual one names a warning class of elasticsearch's, which imports it
    pytester.makepyfile(
        """
        import sys, threading

        def test_nothing_loaded_or_started():
            assert not {"app.testing.instance", "elasticsearch", "elastic_transport", "httpx"} & set(sys.modules)
            assert "connector-api" not in [thread.name for thread in threading.enumerate()]
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_storage_option_on_the_command_line_overrides_the_ini(pytester: pytest.Pytester, tmp_path: Path) -> None:
    from_ini, from_option = tmp_path / "ini.db", tmp_path / "option.db"
    pytester.makeini(f"{INI}connector_api_storage = sqlite:///{from_ini}\n")
    pytester.makepyfile(COUNT_THEN_CREATE)
    pytester.runpytest().assert_outcomes(passed=2)
    pytester.runpytest(f"--connector-api-storage=sqlite:///{from_option}").assert_outcomes(passed=2)
    for path in (from_ini, from_option):
        with ConnectorApi.in_process(Settings(storage=f"sqlite:///{path}")) as api:
            assert names_in(api) == {"from-second"}


def test_seed_option_gives_every_test_the_seeded_connectors(pytester: pytest.Pytester, tmp_path: Path) -> None:
    seed = tmp_path / "seed.ndjson"
    seed.write_text('{"id": "seeded", "name": "Seeded"}\n')
    pytester.makepyfile(
        """
        def test_delete(connector_api_client):
            connector_api_client.connector.delete(connector_id="seeded", hard=True)

        def test_back(connector_api_client):
            assert connector_api_client.connector.get(connector_id="seeded")["name"] == "Seeded"
        """
    )
    pytester.runpytest(f"--connector-api-seed={seed}").assert_outcomes(passed=2)


def test_bad_storage_option_fails_the_tests_using_it_with_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(COUNT_THEN_CREATE)
    result = pytester.runpytest("--connector-api-storage=nosuch://x")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*connector-api: storage URL scheme [[]nosuch[]] is not supported*"])


@pytest.fixture(scope="module")
def external_url() -> Iterator[str]:
    """A real `connector-api serve --test-mode` process."""
    with serve_in_subprocess(Settings(storage="memory://", test_mode=True)) as url:
        yield url


@pytest.mark.served
@pytest.mark.parametrize("how", ["option", "environment", "ini"])
def test_external_server_is_used_and_reset_by_every_style(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, external_url: str, how: str
) -> None:
    pytester.makepyfile(
        COUNT_THEN_CREATE
        + f"""
def test_urls(connector_api, connector_api_server):
    assert connector_api.url == connector_api_server.url == {external_url!r}
    connector_api.client.connector.put(connector_id="left-by-{how}", name="Last")
"""
    )
    arguments = []
    if how == "option":
        arguments.append(f"--connector-api-url={external_url}")
    elif how == "environment":
        monkeypatch.setenv("CONNECTOR_API_URL", external_url)
    else:
        pytester.makeini(f"{INI}connector_api_url = {external_url}\n")
    pytester.runpytest(*arguments).assert_outcomes(passed=3)
    with ConnectorApi.external(external_url) as api:
        assert names_in(api) == {f"left-by-{how}"}


@pytest.mark.served
def test_command_line_url_wins_over_the_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, external_url: str
) -> None:
    monkeypatch.setenv("CONNECTOR_API_URL", "http://127.0.0.1:9")
    pytester.makepyfile(f"def test_url(connector_api):\n    assert connector_api.url == {external_url!r}\n")
    pytester.runpytest(f"--connector-api-url={external_url}").assert_outcomes(passed=1)


@pytest.mark.served
def test_external_server_not_in_test_mode_is_refused_and_left_untouched(pytester: pytest.Pytester) -> None:
    with serve_in_subprocess(Settings(storage="memory://")) as url:
        with ConnectorApi.external(url) as api:
            api.client.connector.put(connector_id="precious", name="Keep me")
            pytester.makepyfile(COUNT_THEN_CREATE)
            result = pytester.runpytest(f"--connector-api-url={url}")
            result.assert_outcomes(errors=2)
            result.stdout.fnmatch_lines(
                [f"*connector-api: the connector-api at {url} cannot be reset: POST /_connector_api/_reset answered "
                 "404. Start it in test mode (`connector-api serve --test-mode`*"]
            )  # fmt: skip
            assert names_in(api) == {"precious"}
