"""The in-process app the fuzzers send to, and the checks every answer must pass.

`Fuzzer` drives `create_app(Settings(storage="memory://"))` through `httpx.ASGITransport` on
an event loop of its own (Hypothesis tests are synchronous). It creates a connector, a sync job
and a secret, so that generated requests on their ids reach past the 404s, and puts them back
as they were (directly in the store) after every request that may have changed or deleted them.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import httpx
from quart import Quart

from app import create_app
from app.state import app_storage
from config.settings import Settings
from storage.indices import CONNECTORS, SECRETS, SYNC_JOBS, IndexSchema
from tests.reliability.endpoints import CONFIG_ENTRY, KNOWN_CONNECTOR, KNOWN_SECRET, NEW_CONNECTOR
from tests.reliability.servers import PRODUCT_HEADER, assert_error_envelope

KNOWN = "\x00known\x00"
"""Stands for the id of the document that exists, in generated path segments."""


class Fuzzer:
    def __init__(self, settings: Settings | None = None) -> None:
        self.app: Quart = create_app(settings or Settings(storage="memory://"))
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=cast(Any, self.app)), base_url="http://fuzz")
        self.job = ""
        self.sent = 0
        self._dirty = False
        self._known: list[tuple[IndexSchema, str, dict[str, Any]]] = []
        self.loop.run_until_complete(self.app.startup())
        self.loop.run_until_complete(self._seed())

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.run_until_complete(self.app.shutdown())
        self.loop.close()

    def path(self, template: str, connector: str, job: str, secret: str) -> str:
        connector = KNOWN_CONNECTOR if connector == KNOWN else connector
        return (
            template.replace("{connector}", connector)
            .replace("{job}", self.job if job == KNOWN else job)
            .replace("{secret}", KNOWN_SECRET if secret == KNOWN else secret)
            .replace("{any}", connector)
        )

    def send(self, method: str, path: str, **options: Any) -> httpx.Response:
        """Send one request (after restoring the known documents if needed), and check its answer."""
        if self._dirty:
            self.loop.run_until_complete(self._restore())
        response = self.loop.run_until_complete(self.client.request(method, path, **options))
        self.sent += 1
        self._dirty = method != "GET" and response.status_code < 300
        check_response(response, method)
        return response

    async def _seed(self) -> None:
        """Create the known documents through the API, and keep them to put back as they were."""
        await app_storage(self.app).clear()
        calls = [
            ("PUT", f"/_connector/{KNOWN_CONNECTOR}", NEW_CONNECTOR),
            ("PUT", f"/_connector/{KNOWN_CONNECTOR}/_configuration", {"configuration": {"host": CONFIG_ENTRY}}),
            ("PUT", f"/_connector/_secret/{KNOWN_SECRET}", {"value": "known"}),
            ("POST", "/_connector/_sync_job", {"id": KNOWN_CONNECTOR}),
        ]
        for method, path, body in calls:
            response = await self.client.request(method, path, json=body)
            assert response.status_code in (200, 201), (path, response.text)
        self.job = response.json()["id"]
        storage = app_storage(self.app)
        for index, doc_id in ((CONNECTORS, KNOWN_CONNECTOR), (SYNC_JOBS, self.job), (SECRETS, KNOWN_SECRET)):
            stored = await storage.get_document(index, doc_id)
            assert stored is not None
            self._known.append((index, doc_id, stored.source))

    async def _restore(self) -> None:
        """Put the known documents back directly in the store: far cheaper than through the API."""
        storage = app_storage(self.app)
        for index, doc_id, source in self._known:
            await storage.index_document(index, doc_id, source)
        self._dirty = False


def check_response(response: httpx.Response, method: str) -> None:
    """Never a 5xx; the product header (but on 401/403); JSON, and every error in the ES envelope."""
    request = response.request
    described = f"{method} {request.url.raw_path[:300]!r} -> {response.status_code}: {response.text[:500]}"
    try:
        assert response.status_code < 500, described
        if response.status_code not in (401, 403):
            assert response.headers.get(PRODUCT_HEADER) == "Elasticsearch", described
        if method == "HEAD" or response.status_code == 204:
            return
        if response.status_code >= 400:
            assert_error_envelope(response)
        elif response.headers.get("content-type", "").startswith("application/"):
            response.json()
    except (AssertionError, ValueError, KeyError) as failure:
        raise AssertionError(f"{described}\n{failure!r}") from failure
