"""The OpenAPI document: valid OpenAPI 3.1, and in step with the app's routes both ways."""

from __future__ import annotations

import re
from typing import Any

from openapi_spec_validator import OpenAPIV31SpecValidator
from quart import Quart

from app.compat import COMMON_PARAMETERS, declared_query_parameters
from app.openapi import build_document, docs_page, openapi_document
from app.openapi.parameters import PARAMETERS
from app.openapi.registry import OPERATIONS
from tests.openapi.conftest import full_app

METHODS = ("get", "head", "post", "put", "delete", "patch")


def routes(app: Quart) -> set[tuple[str, str]]:
    """Every (OpenAPI path, method) the app routes, but static files, OPTIONS and GET's implicit HEAD."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        found.update((path, method.lower()) for method in rule.methods or () if method not in ("OPTIONS", "HEAD"))
    return found


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method): item[method] for path, item in document["paths"].items() for method in METHODS if method in item
    }


def resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in item:
        return item
    target: Any = document
    for part in item["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return dict(target)


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    errors = list(OpenAPIV31SpecValidator(document).iter_errors())
    assert errors == []
    assert document["openapi"] == "3.1.0"


def test_every_route_has_an_operation_and_every_operation_a_route(document: dict[str, Any]) -> None:
    documented = {key for key in operations(document) if key != ("/", "head")}
    assert documented == routes(full_app())
    assert ("/", "head") in operations(document)


def test_every_endpoint_has_an_entry_in_the_registry_and_every_entry_an_endpoint() -> None:
    endpoints = {rule.endpoint for rule in full_app().url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints == set(OPERATIONS)


def test_every_declared_query_parameter_is_described() -> None:
    app = full_app()
    declared = {name for view in app.view_functions.values() for name in declared_query_parameters(view) or ()}
    assert declared | COMMON_PARAMETERS <= set(PARAMETERS)


def test_every_operation_has_a_summary_a_tag_and_a_unique_id(document: dict[str, Any]) -> None:
    found = operations(document)
    ids = [operation["operationId"] for operation in found.values()]
    assert len(ids) == len(set(ids))
    tags = {tag["name"] for tag in document["tags"]}
    for operation in found.values():
        assert operation["summary"] and operation["tags"][0] in tags


def test_operations_list_the_query_parameters_their_route_declares(document: dict[str, Any]) -> None:
    listed = operations(document)[("/_connector", "get")]["parameters"]
    names = [resolve(document, parameter)["name"] for parameter in listed]
    assert names[:7] == ["from", "size", "index_name", "connector_name", "service_type", "query", "include_deleted"]
    assert set(names[7:]) == COMMON_PARAMETERS


def test_paths_are_openapi_templates_with_their_parameters(document: dict[str, Any]) -> None:
    assert not [path for path in document["paths"] if "<" in path]
    item = document["paths"]["/_connector/_sync_job/{job_id}/_claim"]
    assert item["parameters"] == [
        {
            "name": "job_id",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": "The job id (`%2F` for a `/` in it).",
        }
    ]


def test_request_bodies_reference_their_parser_schemas(document: dict[str, Any]) -> None:
    found = operations(document)
    pipeline = found[("/_connector/{connector_id}/_pipeline", "put")]["requestBody"]
    create = found[("/_connector/{connector_id}", "put")]["requestBody"]
    assert pipeline == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/connector_update_pipeline_request"}}},
    }
    assert create["required"] is False
    assert "requestBody" not in found[("/_connector/{connector_id}/_check_in", "put")]


def test_success_replies_reference_response_schemas(document: dict[str, Any]) -> None:
    found = operations(document)
    created = found[("/_connector/_sync_job", "post")]["responses"]["201"]
    put = found[("/_connector/{connector_id}", "put")]["responses"]
    assert created["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/GeneratedId"}
    assert {put["201"]["description"], put["200"]["description"]} == {
        "Created.",
        "Replaced the connector that had this id.",
    }


def test_every_error_reply_is_in_the_elasticsearch_envelope(document: dict[str, Any]) -> None:
    for (path, method), operation in operations(document).items():
        statuses = {int(status) for status in operation["responses"]}
        assert {400, 401} <= statuses, (path, method)
        for status, reply in operation["responses"].items():
            if 400 <= int(status) < 600 and not (path == "/_cluster/health" and status == "503"):
                schema = resolve(document, reply)["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)


def test_error_statuses_follow_the_route(document: dict[str, Any]) -> None:
    found = operations(document)

    def statuses(path: str, method: str) -> list[int]:
        return sorted(int(status) for status in found[(path, method)]["responses"] if int(status) >= 400)

    assert statuses("/_connector/{connector_id}/_pipeline", "put") == [400, 401, 403, 404, 406, 413, 503]
    assert statuses("/_connector", "get") == [400, 401, 403, 503]
    assert statuses("/", "get") == [400, 401]
    not_found = found[("/_connector/_sync_job/{job_id}", "get")]["responses"]["404"]
    assert not_found["description"] == "No such sync job (`resource_not_found_exception`)."


def test_the_error_envelope_schema_requires_error_and_status(document: dict[str, Any]) -> None:
    envelope = document["components"]["schemas"]["Error"]
    assert envelope["required"] == ["error", "status"]
    assert envelope["properties"]["error"]["required"] == ["root_cause", "type", "reason"]


def test_the_document_and_the_page_are_built_once_per_app() -> None:
    app = full_app()
    assert openapi_document(app) is openapi_document(app)
    assert docs_page(app) is docs_page(app)
    assert openapi_document(app) == build_document(app)
