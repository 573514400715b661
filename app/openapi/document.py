"""The OpenAPI 3.1 document of an app, read from its routes and built once.

Methods and paths come from `app.url_map` (`<eid:connector_id>` becomes `{connector_id}`),
query parameters from `@query_parameters`, summaries from the handlers' docstrings, tags from
the blueprints' module docstrings, request bodies from the parsers named in
`app.openapi.registry`, and the possible errors from that entry and the security table.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Any

from quart import Quart
from werkzeug.routing import Rule

from app.compat import COMMON_PARAMETERS, declared_query_parameters
from app.openapi.bodies import body_components, reference
from app.openapi.components import RESPONSE_PARSERS, RESPONSES, ref
from app.openapi.errors import ERROR_RESPONSES, error_statuses
from app.openapi.html import render_docs
from app.openapi.parameters import PARAMETERS
from app.openapi.registry import OPERATIONS, Operation, Reply

OPENAPI_VERSION = "3.1.0"
DOCUMENT_KEY = "connector_api.openapi"
PAGE_KEY = "connector_api.docs_page"
UNDOCUMENTED = Operation((Reply(200, None, "Undocumented: this route has no entry in `app.openapi.registry`."),))
_CONVERTED = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_DESCRIPTION = """\
A server that speaks the Elasticsearch Connector API. Requests and responses are JSON
(`application/json`, or `application/vnd.elasticsearch+json; compatible-with=8|9`); every error
comes in Elasticsearch's envelope. Any query parameter an operation does not list is a 400.

Authentication (HTTP Basic or `ApiKey`) is on whenever users or API keys are configured; a server
without either, bound to a loopback address, asks for none.
"""


def openapi_document(app: Quart) -> dict[str, Any]:
    """The app's document, built on first use and kept for the app's life (routes do not change)."""
    document: dict[str, Any] | None = app.extensions.get(DOCUMENT_KEY)
    if document is None:
        document = build_document(app)
        app.extensions[DOCUMENT_KEY] = document
    return document


def docs_page(app: Quart) -> str:
    """The docs page of the app's document, rendered on first use and kept."""
    page: str | None = app.extensions.get(PAGE_KEY)
    if page is None:
        page = render_docs(openapi_document(app))
        app.extensions[PAGE_KEY] = page
    return page


def build_document(app: Quart) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    tags: dict[str, str] = {}
    for rule in documented_rules(app):
        entry = OPERATIONS.get(rule.endpoint, UNDOCUMENTED)
        view = app.view_functions[rule.endpoint]
        item = paths.setdefault(openapi_path(rule.rule), {})
        if rule.arguments:
            item["parameters"] = _path_parameters(rule)
        methods = operation_methods(rule, entry)
        for method in methods:
            suffix = f"_{method.lower()}" if len(methods) > 1 else ""
            item[method.lower()] = _operation(rule, method, entry, view, operation_id=rule.endpoint + suffix)
        tag = _tag(rule)
        tags.setdefault(tag, _blueprint_summary(app, tag))
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "Connector API", "version": _version(), "description": _DESCRIPTION},
        "servers": [{"url": ".", "description": "Wherever this document is served from (any path prefix kept)."}],
        "security": [{"basic": []}, {"apiKey": []}],
        "tags": [{"name": name, "description": description} for name, description in sorted(tags.items())],
        "paths": dict(sorted(paths.items())),
        "components": _components(),
    }


def documented_rules(app: Quart) -> Iterator[Rule]:
    """Every route but the static files, in a stable order."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    yield from sorted(rules, key=lambda rule: (rule.rule, rule.endpoint))


def operation_methods(rule: Rule, entry: Operation) -> list[str]:
    methods = set(rule.methods or ()) - {"OPTIONS"}
    if "GET" in methods and not entry.head:
        methods.discard("HEAD")
    return sorted(methods)


def openapi_path(rule: str) -> str:
    """A werkzeug rule as an OpenAPI path template: `/_connector/<eid:connector_id>` → `/_connector/{connector_id}`."""
    return _CONVERTED.sub(r"{\1}", rule)


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}, "description": _what(name)}
        for name in _CONVERTED.findall(rule.rule)
    ]


def _what(name: str) -> str:
    """A path parameter in words: `connector_id` is "the connector id"."""
    return f"The {name.replace('_', ' ')} (`%2F` for a `/` in it)."


def _operation(
    rule: Rule, method: str, entry: Operation, view: Callable[..., Any], *, operation_id: str
) -> dict[str, Any]:
    summary, description = _docstring(view)
    operation: dict[str, Any] = {"operationId": operation_id, "tags": [_tag(rule)], "summary": summary}
    if entry.api:
        description = f"{description}\n\nElasticsearch API: `{entry.api}`.".strip()
        operation["x-elasticsearch-api"] = entry.api
    if description:
        operation["description"] = description
    operation["parameters"] = [_query_parameter(name) for name in _query_names(view)]
    if entry.body is not None:
        operation["requestBody"] = {
            "required": not entry.optional_body,
            "content": {"application/json": {"schema": reference(entry.body)}},
        }
    operation["responses"] = _responses(rule.endpoint, method, entry)
    return operation


def _query_parameter(name: str) -> dict[str, Any]:
    if name in PARAMETERS:
        return {"$ref": f"#/components/parameters/{name}"}
    return {"name": name, "in": "query", "schema": {"type": "string"}}


def _query_names(view: Callable[..., Any]) -> list[str]:
    declared = declared_query_parameters(view) or ()
    return [*declared, *sorted(COMMON_PARAMETERS)]


def _responses(endpoint: str, method: str, entry: Operation) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for reply in entry.replies:
        described: dict[str, Any] = {"description": reply.description}
        if reply.schema is not None and method != "HEAD":
            described["content"] = {reply.media_type: {"schema": ref(reply.schema)}}
        responses[str(reply.status)] = described
    for status, response in error_statuses(endpoint, method, entry).items():
        responses.setdefault(str(status), response)
    return dict(sorted(responses.items()))


def _docstring(view: Callable[..., Any]) -> tuple[str, str]:
    """The first paragraph as the summary (on one line), the rest as the description."""
    text = inspect.getdoc(view) or ""
    first, _, rest = text.partition("\n\n")
    return " ".join(first.split()), rest.strip()


def _tag(rule: Rule) -> str:
    return rule.endpoint.rpartition(".")[0] or "app"


def _blueprint_summary(app: Quart, name: str) -> str:
    blueprint = app.blueprints.get(name)
    module = sys.modules.get(blueprint.import_name) if blueprint is not None else None
    text = inspect.getdoc(module) if module is not None else None
    first = (text or "").partition("\n\n")[0]
    summary = " ".join(first.removeprefix("Blueprint:").split())
    return summary[:1].upper() + summary[1:]


def _components() -> dict[str, Any]:
    bodies = [entry.body for entry in OPERATIONS.values() if entry.body is not None]
    return {
        "schemas": {**body_components([*bodies, *RESPONSE_PARSERS]), **RESPONSES},
        "parameters": dict(sorted(PARAMETERS.items())),
        "responses": ERROR_RESPONSES,
        "securitySchemes": {
            "basic": {"type": "http", "scheme": "basic", "description": "A user of the users file."},
            "apiKey": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`ApiKey <encoded>`: `encoded` is base64(`id:api_key`), returned when the key is made.",
            },
        },
    }


def _version() -> str:
    try:
        return metadata.version("connector-api")
    except metadata.PackageNotFoundError:
        return "0"
