"""Property-based fuzzing of every route through the in-process app: generated ids, query strings,
headers and bodies (arbitrary JSON, mutations of valid bodies, bytes that are not JSON). Whatever
comes in, nothing answers 5xx, and every error is in the Elasticsearch envelope with the
product header.

Every route gets `EXAMPLES` requests on memory:// (a few thousand in all); the routes that
hand generated strings to the database as ids, keywords or search terms get `SQL_EXAMPLES` more
on PostgreSQL and MariaDB, where a value the database cannot hold must still be a clean 4xx
(`test_hostile_values` sends the known troublemakers to every backend).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from config.settings import Settings
from tests.reliability.endpoints import Endpoint, endpoints_of
from tests.reliability.fuzzing import KNOWN, Fuzzer
from tests.reliability.strategies import accepts, bodies, content_types, id_segments, query_strings

EXAMPLES = 80
SQL_EXAMPLES = 25
OTHER_METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS")
HEALTH_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]

ids = st.one_of(st.just(KNOWN), st.just(KNOWN), id_segments)
ENDPOINTS = endpoints_of(create_app(Settings(storage="memory://")))
REACHING_THE_DATABASE = [
    endpoint for endpoint in ENDPOINTS
    if endpoint.name in {
        "PUT /_connector/{connector}", "GET /_connector/{connector}", "GET /_connector",
        "PUT /_connector/{connector}/_name", "POST /_connector/_sync_job", "GET /_connector/_sync_job",
        "GET /_connector/_sync_job/{job}", "PUT /_connector/_secret/{secret}",
    }
]
SQL_BACKENDS = [
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


def fuzz(fuzzer: Fuzzer, endpoint: Endpoint, examples: int) -> None:
    """Send `examples` generated requests to `endpoint`; `Fuzzer.send` checks every answer."""

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=HEALTH_CHECKS)
    @given(
        method=st.one_of(st.just(endpoint.method), st.just(endpoint.method), st.sampled_from(OTHER_METHODS)),
        connector=ids, job=ids, secret=ids,
        query=query_strings(endpoint.parameters),
        body=bodies(endpoint.body),
        content_type=content_types,
        accept=accepts,
    )
    def requests(
        method: str, connector: str, job: str, secret: str, query: list[tuple[str, str]], body: bytes | None,
        content_type: str, accept: str | None,
    ) -> None:
        headers = {"Content-Type": content_type} if body is not None else {}
        if accept is not None:
            headers["Accept"] = accept
        path = fuzzer.path(endpoint.path, connector, job, secret)
        fuzzer.send(method, path, params=query, content=body, headers=headers)

    requests()


@pytest.fixture(scope="module")
def memory_fuzzer() -> Iterator[Fuzzer]:
    fuzzer = Fuzzer()
    yield fuzzer
    fuzzer.close()


@pytest.fixture(scope="module", params=SQL_BACKENDS)
def sql_fuzzer(request: pytest.FixtureRequest) -> Iterator[Fuzzer]:
    url: str = request.getfixturevalue(f"{request.param}_url")
    fuzzer = Fuzzer(Settings(storage=url))
    yield fuzzer
    fuzzer.close()


@pytest.mark.memory
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.name)
def test_generated_requests_never_get_a_5xx_and_errors_keep_the_envelope(
    memory_fuzzer: Fuzzer, endpoint: Endpoint
) -> None:
    fuzz(memory_fuzzer, endpoint, EXAMPLES)


@pytest.mark.parametrize("endpoint", REACHING_THE_DATABASE, ids=lambda endpoint: endpoint.name)
def test_generated_values_reaching_a_sql_database_never_get_a_5xx(sql_fuzzer: Fuzzer, endpoint: Endpoint) -> None:
    fuzz(sql_fuzzer, endpoint, SQL_EXAMPLES)
