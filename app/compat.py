"""What makes the server look like Elasticsearch on the wire, apart from the payloads.

Media types (`application/json`, `application/vnd.elasticsearch+json; compatible-with=8|9`),
the product header, the common query parameters (`pretty`, `human`, `error_trace`,
`filter_path`), strict rejection of unknown parameters, and reading request bodies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Iterable
from functools import lru_cache, wraps
from typing import Any, ParamSpec, TypeVar

import orjson
from quart import Response, request

from app.errors import ElasticsearchError, IllegalArgument, NotAcceptable, ParseError, StatusError, XContentParseError
from app.filter_path import filter_response
from app.jsonpos import line_and_column
from app.parsing import Body, did_you_mean

PRODUCT_HEADER = ("X-Elastic-Product", "Elasticsearch")
COMMON_PARAMETERS = frozenset({"pretty", "human", "error_trace", "filter_path", "source", "source_content_type"})
SUPPORTED_VERSIONS = (9, 8)
JAVA_INT_MIN, JAVA_INT_MAX = -(2**31), 2**31 - 1
CURRENT_VERSION = 9
DECLARED_PARAMETERS = "declared_query_parameters"
"""The attribute `query_parameters` records its names in; `functools.wraps` carries it outwards."""

_VENDOR = re.compile(
    r"application/vnd\.elasticsearch\+json\s*(?:;\s*compatible-with\s*=\s*(?P<version>\d+))?", re.IGNORECASE
)

P = ParamSpec("P")
R = TypeVar("R")


def query_parameters(*names: str) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Declare the query parameters a route takes; any other (but the common ones) is a 400."""
    allowed = COMMON_PARAMETERS | frozenset(names)

    def decorate(handler: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @wraps(handler)
        async def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            if request.query_string:  # most requests have none: skip parsing it
                unknown = [name for name in request.args if name not in allowed]
                if unknown:
                    raise unrecognized_parameters(request.path, unknown, allowed)
            return await handler(*args, **kwargs)

        setattr(checked, DECLARED_PARAMETERS, tuple(names))
        return checked

    return decorate


def declared_query_parameters(view: Callable[..., Any]) -> tuple[str, ...] | None:
    """The parameters `view` declared with `query_parameters` (the common ones aside), if it did."""
    declared: tuple[str, ...] | None = getattr(view, DECLARED_PARAMETERS, None)
    return declared


def unrecognized_parameters(path: str, unknown: Iterable[str], allowed: Iterable[str]) -> IllegalArgument:
    candidates = {name: None for name in allowed}
    described = [
        f"[{name}]" + did_you_mean(name, candidates).replace(" did you mean", " -> did you mean") for name in unknown
    ]
    plural = "s" if len(described) > 1 else ""
    return IllegalArgument(f"request [{path}] contains unrecognized parameter{plural}: {', '.join(described)}")


def flag(name: str, default: bool = False) -> bool:
    """A boolean query parameter; a bare `?name` means true, as in Elasticsearch."""
    value = request.args.get(name)
    if value is None:
        return default
    if value in ("", "true"):
        return True
    if value == "false":
        return False
    raise IllegalArgument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")


def integer(name: str, default: int) -> int:
    value = request.args.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    # Java's `Integer.parseInt` refuses what does not fit 32 bits; databases would fail on it later.
    if number is None or not JAVA_INT_MIN <= number <= JAVA_INT_MAX:
        raise IllegalArgument(f"Failed to parse int parameter [{name}] with value [{value}]")
    return number


def csv(name: str) -> list[str]:
    value = request.args.get(name)
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def compatible_version(header: str | None, name: str) -> int | None:
    """The `compatible-with` version a vendor media type asks for, checked; None for plain JSON."""
    if not header:
        return None
    version = _requested_version(header)
    if version is None or version in SUPPORTED_VERSIONS:
        return version
    raise StatusError(
        f"{name} version must be either version {CURRENT_VERSION} or {SUPPORTED_VERSIONS[1]}, "
        f"but found {version}. {name}={header}"
    )


# Clients send the same few header values over and over: each is parsed once (bounded caches).
@lru_cache(maxsize=64)
def _requested_version(header: str) -> int | None:
    match = _VENDOR.search(header)
    if match is None or match.group("version") is None:
        return None
    return int(match.group("version"))


def check_accept() -> None:
    """Validate the Accept header's compatible version (every request)."""
    compatible_version(request.headers.get("Accept"), "Accept")


def check_content_type() -> None:
    """Validate a body's Content-Type as `RestCompatibleVersionHelper` does (requests with a body)."""
    headers = request.headers
    accept = headers.get("Accept")
    content_type = headers.get("Content-Type")
    accept_version = compatible_version(accept, "Accept")
    if not _is_json(content_type):
        raise NotAcceptable(f"Content-Type header [{content_type or ''}] is not supported")
    content_version = compatible_version(content_type, "Content-Type")
    if (accept_version is not None or content_version is not None) and accept_version != content_version:
        raise StatusError(
            "A compatible version is required on both Content-Type and Accept headers if either one has "
            "requested a compatible version and the compatible versions must match. "
            f"Accept={accept}, Content-Type={content_type}"
        )


@lru_cache(maxsize=64)
def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence in ("application/json", "application/vnd.elasticsearch+json")


def text(name: str) -> str | None:
    """A string query parameter; empty counts as absent."""
    return request.args.get(name) or None


async def optional_body() -> Body | None:
    """The JSON request body (or the `source` parameter), or None when there is none."""
    raw: bytes = await request.get_data(cache=True, as_text=False)  # type: ignore[assignment]
    if raw:
        check_content_type()
    elif "source" in request.args:
        raw = request.args["source"].encode()
    return decode_body(raw) if raw else None


async def required_body() -> Body:
    """The JSON request body; its absence is Elasticsearch's `request body is required`."""
    body = await optional_body()
    if body is None:
        raise ParseError("request body is required")
    return body


async def no_body() -> None:
    """Refuse a body on an endpoint that reads none, as Elasticsearch's `BaseRestHandler` does."""
    raw: bytes = await request.get_data(cache=True, as_text=False)  # type: ignore[assignment]
    if raw:
        raise IllegalArgument(f"request [{request.method} {request.path}] does not support having a body")


def decode_body(raw: bytes) -> Body:
    try:
        return Body(orjson.loads(raw), raw)
    except orjson.JSONDecodeError as error:
        text = raw.decode("utf-8", errors="replace")
        line, column = line_and_column(text, min(error.pos, len(text)))
        raise XContentParseError(f"[{line}:{column}] {_json_problem(error.msg)}") from None


def _json_problem(message: str) -> str:
    if "utf-8" in message.lower():
        return "Invalid UTF-8 in request body"
    return f"Failed to parse JSON: {message}"


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None, *, filtered: bool = True
) -> Response:
    """`body` as JSON, filtered by `filter_path` and pretty-printed on `?pretty`, as ES does."""
    data: bytes | None = None
    if request.query_string:  # where `filter_path` and `pretty` would be
        args = request.args
        filter_path = args.get("filter_path")
        if filter_path and filtered:
            body = filter_response(body, filter_path)
        if "pretty" in args and args["pretty"] != "false":
            data = json.dumps(body, indent=2, separators=(",", " : "), ensure_ascii=False).encode() + b"\n"
    if data is None:
        data = orjson.dumps(body)
    return Response(data, status=status, content_type=response_media_type(), headers=headers)


def response_media_type() -> str:
    return _response_media_type(request.headers.get("Accept", ""))


@lru_cache(maxsize=64)
def _response_media_type(accept: str) -> str:
    match = _VENDOR.search(accept)
    if match is not None and match.group("version") in ("8", "9"):
        return f"application/vnd.elasticsearch+json;compatible-with={match.group('version')}"
    return "application/json"


def error_response(error: ElasticsearchError) -> Response:
    """Errors are never filtered: a client must always be able to read `error.type`."""
    return json_response(error.render(), status=error.status, headers=error.headers, filtered=False)
