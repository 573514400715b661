"""The docs page: the OpenAPI document rendered as one self-contained HTML page.

Rendered on the server from the document itself, with its style inline and no script: it
works offline and behind any proxy, and a test can read every operation in it. (Swagger UI,
which `swagger-ui-bundle` ships, would add a production dependency and megabytes of script
to show the same list.)
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any

METHOD_ORDER = ("get", "head", "post", "put", "delete", "patch")
_CODE = re.compile(r"`([^`]+)`")
_STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1em 2em; color: #222; }
code { font: 13px ui-monospace, monospace; background: #f3f3f3; padding: 0 .25em; border-radius: 3px; }
h2 { border-bottom: 2px solid #ddd; margin-top: 2em; } h3 { margin-bottom: .2em; }
section.operation { border: 1px solid #ddd; border-radius: 6px; padding: .2em 1em 1em; margin: 1em 0; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #eee; padding: .25em .5em; }
.method { display: inline-block; min-width: 4.5em; font-weight: bold; font-family: monospace; }
.get { color: #1a7f37; } .head { color: #57606a; } .post { color: #0969da; } .put { color: #9a6700; }
.delete { color: #cf222e; } nav li { list-style: none; } nav ul { padding-left: 1em; }
"""


def render_docs(document: dict[str, Any]) -> str:
    title = html.escape(f"{document['info']['title']} {document['info']['version']}")
    operations = _operations(document)
    common = _common_parameters(operations)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        _paragraphs(document["info"].get("description", "")),
        '<p>The machine-readable description: <a href="_openapi.json">OpenAPI 3.1 document</a>.</p>',
        _contents(document, operations),
    ]
    if common:
        parts.append("<h2>Parameters every operation takes</h2>")
        parts.append(_parameters(document, [{"$ref": reference} for reference in sorted(common)]))
    for tag in document.get("tags", []):
        tagged = [entry for entry in operations if entry[2].get("tags", [""])[0] == tag["name"]]
        parts.append(f'<h2 id="tag-{_attr(tag["name"])}">{html.escape(tag["name"])}</h2>')
        parts.append(_paragraphs(tag.get("description", "")))
        parts.extend(_operation(document, path, method, operation, common) for path, method, operation in tagged)
    parts.append(_schemas(document))
    parts.append("</body></html>")
    return "\n".join(parts)


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, item in document["paths"].items():
        for method in METHOD_ORDER:
            if method in item:
                found.append((path, method, item[method]))
    return found


def _common_parameters(operations: list[tuple[str, str, dict[str, Any]]]) -> set[str]:
    """The parameter references every operation lists: shown once, not in each operation."""
    listed = [
        {item["$ref"] for item in operation.get("parameters", []) if "$ref" in item} for *_, operation in operations
    ]
    return set.intersection(*listed) if listed else set()


def _contents(document: dict[str, Any], operations: list[tuple[str, str, dict[str, Any]]]) -> str:
    lines = ["<nav><h2>Operations</h2><ul>"]
    for tag in document.get("tags", []):
        lines.append(f'<li><a href="#tag-{_attr(tag["name"])}">{html.escape(tag["name"])}</a><ul>')
        for path, method, operation in operations:
            if operation.get("tags", [""])[0] == tag["name"]:
                link = f'<a href="#{_attr(operation["operationId"])}">{_signature(method, path)}</a>'
                lines.append(f"<li>{link} {_inline(operation.get('summary', ''))}</li>")
        lines.append("</ul></li>")
    lines.append('<li><a href="#schemas">Schemas</a></li></ul></nav>')
    return "\n".join(lines)


def _signature(method: str, path: str) -> str:
    return f'<span class="method {method}">{method.upper()}</span> <code>{html.escape(path)}</code>'


def _operation(document: dict[str, Any], path: str, method: str, operation: dict[str, Any], common: set[str]) -> str:
    parts = [
        f'<section class="operation" id="{_attr(operation["operationId"])}">',
        f"<h3>{_signature(method, path)}</h3>",
        _paragraphs(operation.get("summary", "")),
        _paragraphs(operation.get("description", "")),
    ]
    own = [item for item in operation.get("parameters", []) if item.get("$ref") not in common]
    parameters = [*document["paths"][path].get("parameters", []), *own]
    if parameters:
        parts.append(_parameters(document, parameters))
    body = operation.get("requestBody")
    if body is not None:
        schema = next(iter(body["content"].values()))["schema"]
        needed = "required" if body.get("required") else "optional"
        parts.append(f"<p><strong>Body</strong> ({needed}): {_type(schema)}</p>")
    parts.append(_responses(document, operation["responses"]))
    parts.append("</section>")
    return "\n".join(parts)


def _parameters(document: dict[str, Any], parameters: list[dict[str, Any]]) -> str:
    rows = []
    for parameter in (_resolve(document, item) for item in parameters):
        name, where = f"<code>{html.escape(parameter['name'])}</code>", html.escape(parameter["in"])
        media: dict[str, Any] = next(iter(parameter.get("content", {}).values()), {})
        schema = parameter.get("schema", media.get("schema", {}))
        rows.append((name, where, _type(schema), _inline(parameter.get("description", ""))))
    return _table(("Parameter", "In", "Type", "Description"), rows)


def _responses(document: dict[str, Any], responses: dict[str, Any]) -> str:
    rows = []
    for status, reply in responses.items():
        resolved = _resolve(document, reply)
        bodies = [f"{_type(media['schema'])} <small>{html.escape(kind)}</small>" for kind, media in _content(resolved)]
        rows.append((html.escape(status), ", ".join(bodies) or "–", _inline(resolved["description"])))
    return _table(("Status", "Body", "When"), rows)


def _content(reply: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return list(reply.get("content", {}).items())


def _schemas(document: dict[str, Any]) -> str:
    parts = ['<h2 id="schemas">Schemas</h2>']
    for name, schema in document["components"]["schemas"].items():
        parts.append(f'<h3 id="schema-{_attr(name)}"><code>{html.escape(name)}</code></h3>')
        names = frozenset(document["components"]["schemas"])
        parts.append(_paragraphs(schema.get("description", ""), names))
        parts.append(_members(schema, names) if schema.get("properties") else f"<p>{_type(schema)}</p>")
    return "\n".join(parts)


def _members(schema: dict[str, Any], names: frozenset[str]) -> str:
    required = set(schema.get("required", []))
    rows = [
        (
            f"<code>{html.escape(member)}</code>",
            _type(described),
            "yes" if member in required else "",
            _inline(described.get("description", ""), names),
        )
        for member, described in schema["properties"].items()
    ]
    closed = "<p>Other members are refused.</p>" if schema.get("additionalProperties") is False else ""
    return _table(("Member", "Type", "Required", "Description"), rows) + closed


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["<table><tr>" + "".join(f"<th>{header}</th>" for header in headers) + "</tr>"]
    lines.extend("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    lines.append("</table>")
    return "\n".join(lines)


def _type(schema: dict[str, Any]) -> str:
    """A schema in a few words, with links to the named schemas it uses."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f'<a href="#schema-{_attr(name)}"><code>{html.escape(name)}</code></a>'
    if "anyOf" in schema:
        return " or ".join(_type(variant) for variant in schema["anyOf"])
    if "allOf" in schema:
        return " and ".join(_type(variant) for variant in schema["allOf"])
    kinds = schema.get("type", "any")
    words = [" | ".join(_kind(kind, schema) for kind in ([kinds] if isinstance(kinds, str) else kinds))]
    if "enum" in schema:
        words.append(
            "(" + ", ".join(f"<code>{html.escape(json.dumps(value))}</code>" for value in schema["enum"]) + ")"
        )
    if "format" in schema:
        words.append(f"({html.escape(schema['format'])})")
    return " ".join(words)


def _kind(kind: str, schema: dict[str, Any]) -> str:
    """One JSON type; an array or an object map with what it holds."""
    inner = schema.get("items") if kind == "array" else schema.get("additionalProperties") if kind == "object" else None
    if not isinstance(inner, dict) or not inner:
        return kind
    described = _type(inner)
    return f"{kind} of ({described})" if " " in described and "<a " not in described else f"{kind} of {described}"


def _resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    reference = item.get("$ref")
    if reference is None:
        return item
    resolved: Any = document
    for part in reference.removeprefix("#/").split("/"):
        resolved = resolved[part]
    return dict(resolved)


def _inline(text: str, schemas: frozenset[str] = frozenset()) -> str:
    """Escaped text with its `code` spans; a span naming a schema links to it."""

    def code(match: re.Match[str]) -> str:
        name = match.group(1)
        if html.unescape(name) in schemas:
            return f'<a href="#schema-{name}"><code>{name}</code></a>'
        return f"<code>{name}</code>"

    return _CODE.sub(code, html.escape(text))


def _paragraphs(text: str, schemas: frozenset[str] = frozenset()) -> str:
    blocks = [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]
    return "".join(f"<p>{_inline(block, schemas)}</p>" for block in blocks)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)
