"""`ConnectorApi`: one connector-api a test talks to, with its URL, official clients and a reset.

`ConnectorApi.in_process(settings)` runs the app in this process on its own event-loop thread
(`EmbeddedApp`). Its `client` (`Elasticsearch`) and `async_client` (`AsyncElasticsearch`,
usable from any asyncio loop) reach the app with no socket: elastic-transport's httpx nodes
over a bridge to `httpx.ASGITransport` on the app's loop. `url` serves the same app, same
storage, on a loopback port the first time it is read, for code that needs a real address.

`ConnectorApi.external(url)` is the same object for a server already running elsewhere; its
clients then use `httpx.AsyncHTTPTransport` on a private loop thread.

`reset()` is `POST /_connector_api/_reset` in both cases (the in-process app always runs in
test mode); an external server must have been started in test mode.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from types import TracebackType

import httpx
from elasticsearch import AsyncElasticsearch, Elasticsearch

from app import create_app
from app.routes.testing import RESET_PATH
from app.testing.bridge import AsyncBridgeTransport, BridgeTransport
from app.testing.clients import async_client, sync_client
from app.testing.embedded import EmbeddedApp
from app.testing.loop_thread import LoopThread
from app.testing.server import TEST_SETTINGS, prepare_storage
from config.settings import Settings
from storage import Storage

IN_PROCESS_URL = "http://connector-api.invalid:9200"
"""The address the in-process clients name: `.invalid` never resolves, and nothing dials it."""


class ConnectorApiError(RuntimeError):
    """The server cannot be reached, or cannot be reset; the message says what to do."""


class ConnectorApi:
    def __init__(
        self, loop: LoopThread, target: httpx.AsyncBaseTransport, base_url: str, embedded: EmbeddedApp | None = None
    ) -> None:
        self._loop = loop
        self._target = target
        self._base_url = base_url
        self._embedded = embedded
        self.http = httpx.Client(base_url=base_url, transport=BridgeTransport(loop, target))
        """A plain httpx client to the same server, for requests the official client has no API for."""

    @classmethod
    def in_process(cls, settings: Settings | None = None, *, storage: Storage | None = None) -> ConnectorApi:
        """The app in this process over `settings` (default: memory storage), started and ready."""
        settings = replace(settings or TEST_SETTINGS, test_mode=True)
        if storage is None:
            prepare_storage(settings.storage)
        embedded = EmbeddedApp(create_app(settings, storage)).start()
        return cls(embedded.loop, embedded.transport, IN_PROCESS_URL, embedded)

    @classmethod
    def external(cls, url: str) -> ConnectorApi:
        """The server running at `url` (e.g. `http://127.0.0.1:9200`)."""
        return cls(LoopThread(), httpx.AsyncHTTPTransport(), url.rstrip("/"))

    @property
    def url(self) -> str:
        """The server's base URL; the in-process app starts serving on a loopback port when first asked."""
        return self._base_url if self._embedded is None else self._embedded.serve()

    @cached_property
    def client(self) -> Elasticsearch:
        return sync_client(self._base_url, BridgeTransport(self._loop, self._target))

    @cached_property
    def async_client(self) -> AsyncElasticsearch:
        return async_client(self._base_url, AsyncBridgeTransport(self._loop, self._target))

    def reset(self) -> None:
        """Delete all data on the server and load its seed file again."""
        try:
            response = self.http.post(RESET_PATH)
        except httpx.TransportError as error:
            raise ConnectorApiError(f"cannot reach the connector-api at {self._base_url}: {error}") from None
        if response.status_code != 200:
            raise ConnectorApiError(
                f"the connector-api at {self._base_url} cannot be reset: POST {RESET_PATH} answered "
                f"{response.status_code}. Start it in test mode (`connector-api serve --test-mode`, "
                "or CONNECTOR_API_TEST_MODE=true): only then does it have this endpoint"
            )

    def close(self) -> None:
        """Close the clients; stop the in-process app (an external server keeps running)."""
        if "client" in self.__dict__:
            self.client.close()
        self.http.close()
        if self._embedded is not None:
            self._embedded.stop()
        else:
            self._loop.run(self._target.aclose())
            self._loop.stop()

    def __enter__(self) -> ConnectorApi:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
