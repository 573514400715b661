"""End to end through a real nginx (config/nginx.example.conf): TLS at the proxy, `/es` prefix, 413s.

The client connects to nginx from 127.0.0.2, while nginx connects to the server from
127.0.0.1, so the server can only log 127.0.0.2 (and `https`) if it trusts the proxy's headers.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import httpx
import pytest

from tests.ops.nginx import Nginx, nginx_binary, running_nginx, self_signed_certificate, site_config
from tests.ops.served import access_record, served_with
from tests.served.server import Served, free_port

pytestmark = pytest.mark.served

CLIENT_ADDRESS = "127.0.0.2"
BODY_LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Nginx, ssl.SSLContext]]:
    nginx_binary()  # skips (or fails, under CI) before a server is started for nothing
    directory = tmp_path_factory.mktemp("nginx")
    settings = {
        "storage": f"sqlite:///{directory / 'connector-api.db'}",
        "proxy_trusted_hops": 1,
        "root_path": "/es",
        "access_log": True,
        "max_content_length": BODY_LIMIT,
    }
    certificate, key = self_signed_certificate(directory)
    with served_with(directory, **settings) as served:
        port = free_port()
        site = site_config(int(served.url.rsplit(":", 1)[1]), port, certificate, key)
        with running_nginx(directory / "nginx", site, port) as nginx:
            yield served, nginx, ssl.create_default_context(cafile=str(certificate))


@pytest.fixture
def proxied(stack: tuple[Served, Nginx, ssl.SSLContext]) -> Iterator[httpx.Client]:
    """A client of nginx, over TLS, from 127.0.0.2."""
    _, nginx, context = stack
    transport = httpx.HTTPTransport(verify=context, local_address=CLIENT_ADDRESS)
    with httpx.Client(base_url=nginx.url + "/es", transport=transport, timeout=30) as client:
        yield client


@pytest.fixture
def direct(stack: tuple[Served, Nginx, ssl.SSLContext]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack[0].url, timeout=30) as client:
        yield client


def test_server_logs_the_original_client_address_and_scheme_through_nginx(
    stack: tuple[Served, Nginx, ssl.SSLContext], proxied: httpx.Client
) -> None:
    # A client's own X-Forwarded-For is kept by nginx but sits left of the address nginx adds.
    response = proxied.get("/", headers={"X-Opaque-Id": "through-nginx", "X-Forwarded-For": "203.0.113.9"})

    record = access_record(stack[0], "through-nginx")
    assert response.status_code == 200
    assert response.headers["X-Opaque-Id"] == "through-nginx"
    assert (record["client"]["address"], record["url"]["scheme"]) == (CLIENT_ADDRESS, "https")
    assert record["url"]["path"] == "/es/"


def test_direct_requests_are_logged_with_the_direct_peer_and_scheme(
    stack: tuple[Served, Nginx, ssl.SSLContext], direct: httpx.Client
) -> None:
    direct.get("/es/", headers={"X-Opaque-Id": "direct"})

    record = access_record(stack[0], "direct")
    assert (record["client"]["address"], record["url"]["scheme"]) == ("127.0.0.1", "http")


def test_prefixed_paths_reach_the_api_and_answer_as_directly(proxied: httpx.Client, direct: httpx.Client) -> None:
    created = proxied.put("/_connector/behind%2Fnginx", json={"index_name": "search-nginx", "name": "Behind"})

    through = proxied.get("/_connector/behind%2Fnginx")
    assert created.status_code == 201
    assert through.status_code == 200
    assert through.json()["id"] == "behind/nginx"
    assert through.json() == direct.get("/es/_connector/behind%2Fnginx").json()
    assert through.json() == direct.get("/_connector/behind%2Fnginx").json()


def test_errors_under_the_prefix_name_the_path_after_it(proxied: httpx.Client, direct: httpx.Client) -> None:
    through = proxied.get("/_nothing_here")

    assert through.status_code == 404
    assert through.json()["error"]["reason"] == "no handler found for uri [/_nothing_here] and method [GET]"
    assert through.json() == direct.get("/es/_nothing_here").json()


def test_a_body_over_the_limit_is_refused_by_the_server_the_same_way_through_nginx(
    proxied: httpx.Client, direct: httpx.Client
) -> None:
    body = b'{"name": "' + b"x" * (2 * BODY_LIMIT) + b'"}'
    headers = {"Content-Type": "application/json"}

    through = proxied.put("/_connector/too-large", content=body, headers=headers)
    directly = direct.put("/es/_connector/too-large", content=body, headers=headers)

    assert (through.status_code, directly.status_code) == (413, 413)
    assert through.json() == directly.json()
    assert through.json()["error"]["type"] == "content_too_long_exception"
    assert through.headers["X-Elastic-Product"] == "Elasticsearch"
    assert proxied.get("/_connector/too-large").status_code == 404
