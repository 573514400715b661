"""Strings that databases and drivers choke on, sent where they reach the storage of each backend:
as ids, names, index names, search terms and filters. Every answer is a clean 2xx or 4xx in
the envelope (`Fuzzer.send` checks), and what a backend accepted reads back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from config.settings import Settings
from tests.reliability.fuzzing import Fuzzer
from tests.reliability.strategies import HOSTILE_STRINGS

BACKENDS = [
    pytest.param(name, marks=getattr(pytest.mark, name))
    for name in ("memory", "sqlite", "sqlalchemy_sqlite", "postgres", "mariadb")
]


@pytest.fixture(scope="module", params=BACKENDS)
def fuzzer(request: pytest.FixtureRequest) -> Iterator[Fuzzer]:
    url = "memory://" if request.param == "memory" else request.getfixturevalue(f"{request.param}_url")
    instance = Fuzzer(Settings(storage=url))
    yield instance
    instance.close()


@pytest.mark.parametrize("value", HOSTILE_STRINGS, ids=lambda value: repr(value[:12]) + f"x{len(value)}")
def test_hostile_strings_reach_the_storage_without_a_5xx(fuzzer: Fuzzer, value: str) -> None:
    segment = quote(value, safe="")
    stored = fuzzer.send("PUT", f"/_connector/{segment}", json={"name": value, "description": value})
    fuzzer.send("PUT", f"/_connector/{segment}/_name", json={"name": value})
    fuzzer.send("PUT", "/_connector/hostile", json={"index_name": value, "service_type": value})
    fuzzer.send("PUT", "/_connector/hostile/_last_sync", json={"last_sync_error": value, "sync_cursor": {value: value}})
    for parameter in ("query", "connector_name", "index_name", "service_type"):
        fuzzer.send("GET", "/_connector", params={parameter: value})
    fuzzer.send("GET", "/_connector/_sync_job", params={"connector_id": value})
    fuzzer.send("POST", "/_connector/_sync_job", json={"id": value})
    fuzzer.send("GET", f"/_connector/_sync_job/{segment}")
    fuzzer.send("PUT", f"/_connector/_secret/{segment}", json={"value": value or "empty id"})
    fuzzer.send("GET", f"/_connector/_secret/{segment}")

    if value and stored.status_code in (200, 201):
        read = fuzzer.send("GET", f"/_connector/{segment}")
        assert (read.json()["id"], read.json()["description"]) == (value, value)


@pytest.mark.parametrize("path", ["/_connector", "/_connector/_sync_job"])
@pytest.mark.parametrize("parameter", ["from", "size"])
def test_page_bounds_beyond_32_bits_are_a_400_as_java_parses_ints(fuzzer: Fuzzer, path: str, parameter: str) -> None:
    for value in ("2147483648", "-2147483649", "99999999999999999999"):
        response = fuzzer.send("GET", path, params={parameter: value})

        assert response.status_code == 400, response.text
        assert response.json()["error"]["reason"] == f"Failed to parse int parameter [{parameter}] with value [{value}]"
    largest = fuzzer.send("GET", path, params={"from": "2147483647", "size": "2147483647"})
    assert (largest.status_code, largest.json()["results"]) == (200, [])
