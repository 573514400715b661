"""Schemathesis against the server's own OpenAPI document (`GET /_openapi.json`), in process.

For every operation it generates requests that follow the document (positive) and requests
that break it (negative); each answer goes through schemathesis's checks (no server error;
status, content type, headers and body as the document declares them) and through the fuzzers'
own (`Fuzzer.send`: no 5xx, every error in the envelope with the product header).
Half the generated cases use the ids of documents that exist, so that they reach past the 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.reliability.endpoints import KNOWN_CONNECTOR, KNOWN_SECRET
from tests.reliability.fuzzing import Fuzzer

pytestmark = pytest.mark.memory

EXAMPLES = 10
Operation = APIOperation[Any, Any, Any, Any]
CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzzer() -> Iterator[Fuzzer]:
    instance = Fuzzer()
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def operations(fuzzer: Fuzzer) -> list[Operation]:
    document = fuzzer.send("GET", "/_openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    operations: list[Operation] = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    return operations


def known_ids(fuzzer: Fuzzer) -> dict[str, str]:
    return {"connector_id": KNOWN_CONNECTOR, "job_id": fuzzer.job, "secret_id": KNOWN_SECRET}


def httpx_options(transport: dict[str, Any]) -> dict[str, Any]:
    """requests-style keyword arguments (what schemathesis gives) as httpx's."""
    options: dict[str, Any] = {key: transport[key] for key in ("headers", "params", "json") if key in transport}
    if "data" in transport:
        options["content"] = transport["data"]
    return options


def run_operation(fuzzer: Fuzzer, operation: Operation, mode: GenerationMode) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode), use_known_ids=st.booleans())
    def check(case: Any, use_known_ids: bool) -> None:
        if use_known_ids and case.path_parameters:
            known = known_ids(fuzzer)
            case.path_parameters = {name: known.get(name, value) for name, value in case.path_parameters.items()}
        transport = case.as_transport_kwargs(base_url="http://fuzz")
        response = fuzzer.send(transport["method"], transport["url"], **httpx_options(transport))
        case.validate_response(response, checks=CHECKS)

    check()


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_every_operation_passes_schemathesis_checks(
    fuzzer: Fuzzer, operations: list[Operation], mode: GenerationMode
) -> None:
    assert len(operations) >= 40, [operation.label for operation in operations]
    for operation in operations:
        run_operation(fuzzer, operation, mode)
