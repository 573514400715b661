"""Hypothesis strategies for hostile requests: ids, query strings, headers and JSON bodies.

Bodies are arbitrary JSON, or a valid body mutated (a value replaced by another type, by
null, by a huge number or by deep nesting; a key dropped; an unknown key added), or bytes
that are not JSON at all (invalid UTF-8, truncated documents, 100 000 levels of nesting).
"""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

HUGE = 2**70
COMMON_PARAMETERS = ("pretty", "human", "error_trace", "filter_path", "source", "source_content_type")

numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-HUGE, max_value=HUGE),
    st.sampled_from([2**31, 2**63, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
)
HOSTILE_STRINGS = (
    "", "\x00", "a\x00b", "'", '"', "\\", "%", "_", "%_%", "*", "' OR '1'='1", "😀", "\U0010ffff", "\ufffd", "\u2028",
    "x" * 600, "é" * 300, "😀" * 200, " ", "\t\n", "NULL", "-1",
)
"""Strings databases and drivers choke on: NUL, quotes, LIKE wildcards, 4-byte characters, over-long values."""
texts = st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE_STRINGS))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
json_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=16,
)

odd_ids = st.sampled_from([
    "", ".", "..", "%2e%2e", "%2E", "%2F", "a%2Fb", "%2f..%2f", "%00", "a%00b", "%ff", "%fe%ff", "%C0%AF",
    "%E2%82%AC", "%F0%9F%98%80", "%25", "%252F", "%20", "+", "_sync_job", "_secret", "_last_sync", "*", "%3F", "%23",
])
id_segments = st.one_of(
    texts.map(lambda text: quote(text, safe="")),
    odd_ids,
    st.text(alphabet="abc-_.~%0123456789ABCDEFabcdef", max_size=20).map(lambda text: quote(text, safe="%")),
    st.integers(min_value=500, max_value=20_000).map(lambda size: "x" * size),
    st.integers(min_value=100, max_value=2_000).map(lambda size: "%E2%82%AC" * size),
)

query_values = st.one_of(
    texts,
    st.integers(min_value=-HUGE, max_value=HUGE).map(str),
    st.sampled_from(["", "true", "false", "-1", "0", "10000", "2147483648", "99999999999999999999", "1e3", "0x10",
                     " 5", "1_0", "١٢", "*", "a,b,,c", "%", "null", "in_progress", "FULL", "pending,error"]),
)


def query_strings(parameters: tuple[str, ...]) -> st.SearchStrategy[list[tuple[str, str]]]:
    names = st.sampled_from(parameters + COMMON_PARAMETERS) if parameters else st.sampled_from(COMMON_PARAMETERS)
    return st.lists(st.tuples(names | st.text(max_size=10), query_values), max_size=4)


VENDOR_JSON = "application/vnd.elasticsearch+json"
content_types = st.one_of(
    st.just("application/json"),
    st.sampled_from([
        "application/json; charset=utf-8", VENDOR_JSON, f"{VENDOR_JSON}; compatible-with=9",
        f"{VENDOR_JSON}; compatible-with=8", f"{VENDOR_JSON}; compatible-with=7", "text/plain",
        "application/x-ndjson", "application/yaml", "", "application/json; compatible-with=99999999999999999999",
    ]),
)
accepts = st.sampled_from([
    None, "application/json", "*/*", "text/html", f"{VENDOR_JSON}; compatible-with=9",
    f"{VENDOR_JSON}; compatible-with=8", f"{VENDOR_JSON}; compatible-with=7",
    f"{VENDOR_JSON}; compatible-with=1000000000000000000000",
])


def deep(depth: int, opener: str) -> bytes:
    closer = {"[": "]", '{"a":': "}"}[opener]
    return (opener * depth + "1" + closer * depth).encode()


raw_bodies = st.one_of(
    st.binary(max_size=64),
    st.builds(deep, st.sampled_from([10, 500, 1_025, 5_000, 100_000]), st.sampled_from(["[", '{"a":'])),
    st.sampled_from([
        b'{"name": "\xff\xfe"}', b"\xef\xbb\xbf{}", b'{"name": "a", "name": "b"}', b"{}{}", b'{"a":1} trailing',
        b'{"name": "\\ud800"}', b"[]", b"null", b"1e999999", b'{"a": 1e400}', b"{", b'"', b"-", b"NaN",
        b'{"name": "' + b"\xc0\x80" + b'"}', b"\x00", b'{"\x00": "\x00"}',
    ]),
)


def _locations(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a JSON document (the empty path is the document itself)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _locations(item, (*path, key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            found += _locations(item, (*path, position))
    return found


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return document


def _drop(document: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]
    return document


@st.composite
def mutated(draw: st.DrawFn, valid: dict[str, Any]) -> Any:
    """`valid` with one to three of its values replaced, dropped, or extended with unknown keys."""
    document: Any = copy.deepcopy(valid)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(_locations(document)))
        action = draw(st.sampled_from(["replace", "null", "drop", "extra", "nest", "huge", "text"]))
        if action == "drop":
            document = _drop(document, path)
        elif action == "extra" and isinstance(document, dict):
            document[draw(texts)] = draw(json_values)
        elif action == "nest":
            depth = draw(st.integers(min_value=1, max_value=200))
            document = _replace(document, path, json.loads(deep(depth, "[").decode()))
        else:
            new = {"null": st.none(), "huge": st.sampled_from([HUGE, -HUGE, 1e308, 2**63]),
                   "text": texts, "replace": json_values, "extra": json_values}[action]
            document = _replace(document, path, draw(new))
    return document


def encoded(value: Any, ascii_only: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", errors="surrogatepass")


def bodies(valid: dict[str, Any] | None) -> st.SearchStrategy[bytes | None]:
    """No body, arbitrary JSON, a mutated valid body (most often, when there is one) or raw bytes."""
    documents = json_values if valid is None else st.one_of(mutated(valid), mutated(valid), json_values)
    as_json = st.builds(encoded, documents, st.booleans())
    return st.one_of(st.none(), as_json, as_json, as_json, raw_bodies)
