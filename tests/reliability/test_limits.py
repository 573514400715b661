"""Limits, through the in-process app and through a real served instance (Hypercorn in front).

A body over `max_content_length` is a 413 (with or without a Content-Length); 100 000 levels of
nesting and invalid UTF-8 are 400s; 10 kB, unicode and percent-encoded ids get clean 4xx or
2xx answers. Never a 5xx, every error in the envelope, and the served instance stays up.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any, cast

import httpx
import pytest

from app import create_app
from config.settings import Settings
from tests.reliability.servers import SQLITE, assert_error_envelope, backend_storage, serve
from tests.served.server import Served

LIMIT = 1024 * 1024
JSON = {"Content-Type": "application/json"}
DEEP_ARRAY = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
ODD_IDS = {
    "a%2Fb": "a/b", "%E2%82%AC": "€", "%F0%9F%98%80": "😀", "%2e%2e": "..", "a%20b": "a b", "%25": "%",
    "a%3Fb": "a?b", "a%23b": "a#b", "%C3%A9t%C3%A9": "été", "a+b": "a+b",
}


@pytest.fixture(scope="module")
def served_with_limit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    directory = tmp_path_factory.mktemp("limits")
    with backend_storage("sqlite", directory) as storage:
        with serve(directory, storage, settings=f"max_content_length = {LIMIT}\n") as instance:
            yield instance


@asynccontextmanager
async def in_process() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(storage="memory://", max_content_length=LIMIT))
    await app.startup()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=cast(Any, app)), base_url="http://limits") as client:
        yield client
    await app.shutdown()


@pytest.fixture
async def app_client() -> AsyncIterator[httpx.AsyncClient]:
    async with in_process() as client:
        yield client


@pytest.fixture(params=[pytest.param("in_process", marks=pytest.mark.memory), SQLITE])
async def client(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """The in-process app on memory://, or the served instance on SQLite; both with a LIMIT-byte maximum."""
    if request.param == "in_process":
        async with in_process() as through_asgi:
            yield through_asgi
        return
    served: Served = request.getfixturevalue("served_with_limit")
    async with httpx.AsyncClient(base_url=served.url, timeout=30) as over_http:
        yield over_http
    assert served.process.poll() is None, served.output()[-3000:]
    assert (await over_http_root(served.url)) == 200


async def over_http_root(url: str) -> int:
    async with httpx.AsyncClient(base_url=url, timeout=10) as fresh:
        return (await fresh.get("/")).status_code


def error(response: httpx.Response, status: int) -> tuple[str, str]:
    assert response.status_code == status, response.text[:500]
    found = assert_error_envelope(response)
    return found["type"], found["reason"]


async def chunks(data: bytes, size: int = 16 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


@pytest.mark.memory
async def test_body_over_the_maximum_is_413_in_the_envelope(app_client: httpx.AsyncClient) -> None:
    client = app_client
    too_big = b'{"name": "' + b"x" * LIMIT + b'"}'

    response = await client.put("/_connector/big", content=too_big, headers=JSON)

    assert error(response, 413) == (
        "content_too_long_exception", f"request body is too large, maximum is [{LIMIT}] bytes"
    )
    assert (await client.get("/_connector/big")).status_code == 404


@pytest.mark.memory
async def test_streamed_body_over_the_maximum_without_content_length_is_413(app_client: httpx.AsyncClient) -> None:
    client = app_client
    too_big = b'{"name": "' + b"x" * LIMIT + b'"}'

    response = await client.put("/_connector/streamed", content=chunks(too_big), headers=JSON)

    assert error(response, 413)[0] == "content_too_long_exception"
    assert (await client.get("/_connector/streamed")).status_code == 404


async def raw_exchange(url: str, *parts: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send `parts` on one connection, then read one response: (status, headers by lower-cased name, body).

    Over a socket because a client still sending a body the server refused would lose the
    answer to the connection reset; here nothing is sent beyond what the server reads.
    """
    reader, writer = await asyncio.open_connection(httpx.URL(url).host, httpx.URL(url).port)
    try:
        for part in parts:
            writer.write(part)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        lines = head.decode("latin-1").split("\r\n")
        fields = [line.split(": ", 1) for line in lines[1:] if ": " in line]
        headers = {name.lower(): value for name, value in fields}
        body = await asyncio.wait_for(reader.readexactly(int(headers.get("content-length", "0"))), 10)
    finally:
        writer.close()
    return int(lines[0].split()[1]), headers, body


def assert_raw_413(status: int, headers: dict[str, str], body: bytes) -> None:
    assert status == 413, body
    assert headers.get("x-elastic-product") == "Elasticsearch", headers
    assert json.loads(body)["error"]["type"] == "content_too_long_exception", body


@pytest.mark.served
async def test_served_body_declared_over_the_maximum_is_413_before_it_is_sent(served_with_limit: Served) -> None:
    head = "PUT /_connector/big HTTP/1.1\r\nHost: limits\r\nContent-Type: application/json\r\n"
    head += f"Content-Length: {LIMIT + 1}\r\n\r\n"

    assert_raw_413(*await raw_exchange(served_with_limit.url, head.encode()))
    assert await over_http_root(served_with_limit.url) == 200


@pytest.mark.served
async def test_served_chunked_body_over_the_maximum_is_413(served_with_limit: Served) -> None:
    head = b"PUT /_connector/big HTTP/1.1\r\nHost: limits\r\nContent-Type: application/json\r\n"
    head += b"Transfer-Encoding: chunked\r\n\r\n"
    chunk = b"x" * (64 * 1024)
    chunks = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * (LIMIT // len(chunk)) + [b"1\r\nx\r\n"]

    assert_raw_413(*await raw_exchange(served_with_limit.url, head, *chunks))
    assert await over_http_root(served_with_limit.url) == 200


async def test_body_just_under_the_maximum_is_accepted(client: httpx.AsyncClient) -> None:
    body = b'{"name": "' + b"x" * (LIMIT - 20) + b'"}'

    response = await client.put("/_connector/just-fits", content=body, headers=JSON)

    assert response.status_code == 201, response.text[:500]
    assert len((await client.get("/_connector/just-fits")).json()["name"]) == LIMIT - 20


@pytest.mark.parametrize("body", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
async def test_deeply_nested_json_is_a_400_parse_error(client: httpx.AsyncClient, body: bytes) -> None:
    for path in ("/_connector/deep", "/_connector/deep/_last_sync", "/_connector/_sync_job", "/_connector/_secret"):
        response = await client.request("PUT" if "deep" in path else "POST", path, content=body, headers=JSON)

        error_type, reason = error(response, 400)
        assert error_type == "x_content_parse_exception", reason
        assert "depth" in reason, reason


async def test_invalid_utf8_is_a_400_parse_error(client: httpx.AsyncClient) -> None:
    for body in (b'{"name": "\xff\xfe"}', b'{"name": "\xc0\x80"}', b'{"\xed\xa0\x80": 1}'):
        response = await client.put("/_connector/utf8", content=body, headers=JSON)

        error_type, reason = error(response, 400)
        assert error_type == "x_content_parse_exception", reason
    assert (await client.get("/_connector/utf8")).status_code == 404


async def test_ten_kilobyte_ids_are_refused_or_not_found_never_5xx(client: httpx.AsyncClient) -> None:
    long_id = "x" * 10_240
    size = len(long_id)
    too_long = f"Validation Failed: 1: id [{long_id}] is too long, must be no longer than 512 bytes but was: {size};"

    created = await client.put(f"/_connector/{long_id}", json={"name": "long"})
    secret = await client.put(f"/_connector/_secret/{long_id}", json={"value": "long"})
    read = await client.get(f"/_connector/{long_id}")
    updated = await client.put(f"/_connector/{long_id}/_name", json={"name": "long"})
    job = await client.get(f"/_connector/_sync_job/{long_id}")
    new_job = await client.post("/_connector/_sync_job", json={"id": long_id})

    assert error(created, 400) == ("action_request_validation_exception", too_long)
    assert error(secret, 400) == ("action_request_validation_exception", too_long)
    assert error(read, 404) == ("resource_not_found_exception", f"connector [{long_id}] not found")
    assert error(updated, 404) == ("resource_not_found_exception", f"connector [{long_id}] not found")
    assert error(job, 404)[0] == "resource_not_found_exception"
    assert error(new_job, 404) == ("resource_not_found_exception", f"Connector with id '{long_id}' does not exist.")


@pytest.mark.parametrize(("encoded", "decoded"), list(ODD_IDS.items()), ids=list(ODD_IDS))
async def test_percent_encoded_ids_round_trip(client: httpx.AsyncClient, encoded: str, decoded: str) -> None:
    created = await client.put(f"/_connector/{encoded}", json={"name": decoded})
    read = await client.get(f"/_connector/{encoded}")
    renamed = await client.put(f"/_connector/{encoded}/_name", json={"name": f"renamed {decoded}"})
    secret = await client.put(f"/_connector/_secret/{encoded}", json={"value": decoded})

    assert created.status_code in (200, 201), created.text
    assert created.json()["id"] == decoded
    assert (read.status_code, read.json()["id"], read.json()["name"]) == (200, decoded, decoded)
    assert renamed.status_code == 200, renamed.text
    assert secret.status_code in (200, 201), secret.text
    assert (await client.get(f"/_connector/_secret/{encoded}")).json() == {"id": decoded, "value": decoded}
    assert (await client.delete(f"/_connector/{encoded}", params={"hard": "true"})).status_code == 200


@pytest.mark.parametrize("raw", ["%", "%zz", "%ff%fe", "%00", "%C0%AF", "..%2f..%2fetc%2fpasswd", "%2F%2F"])
async def test_malformed_percent_encodings_are_never_5xx(client: httpx.AsyncClient, raw: str) -> None:
    for method, path in (("GET", f"/_connector/{raw}"), ("PUT", f"/_connector/{raw}/_check_in"),
                         ("GET", f"/_connector/_secret/{raw}"), ("DELETE", f"/_connector/_sync_job/{raw}")):
        response = await client.request(method, path)

        assert response.status_code < 500, (method, path, response.text)
        if response.status_code >= 400:
            assert_error_envelope(response)


async def status_over_a_socket(url: str, request: bytes) -> int | None:
    """The status Hypercorn answers a raw request with; None when it closes the connection instead."""
    host, port = httpx.URL(url).host, httpx.URL(url).port
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
    except ConnectionError:
        return None
    finally:
        writer.close()
    return int(status_line.split()[1]) if status_line else None


@pytest.mark.served
@pytest.mark.parametrize("size", [64 * 1024, 1024 * 1024])
async def test_oversized_request_line_and_headers_do_not_take_the_server_down(
    served_with_limit: Served, size: int
) -> None:
    long_line = f"GET /_connector/{'y' * size} HTTP/1.1\r\nHost: limits\r\n\r\n".encode()
    long_header = f"GET / HTTP/1.1\r\nHost: limits\r\nX-Padding: {'z' * size}\r\n\r\n".encode()

    statuses = [await status_over_a_socket(served_with_limit.url, request) for request in (long_line, long_header)]

    assert all(status is None or status < 500 for status in statuses), statuses
    assert served_with_limit.process.poll() is None
    assert await over_http_root(served_with_limit.url) == 200
