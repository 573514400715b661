"""The official `elasticsearch` clients, sync and async, over a bridge transport.

elastic-transport builds its nodes itself (`node_class(config)`), so the transport a node
must use is bound into a subclass made for it. The subclasses reuse elastic-transport's own
httpx nodes, whose request, error and logging code is kept as it is; only the httpx client
they hold is swapped for one over the given transport (so no TLS, pool or socket setup).
"""

from __future__ import annotations

from typing import Any, cast

import httpx
from elastic_transport import BaseNode, HttpxAsyncHttpNode, HttpxHttpNode, NodeConfig
from elasticsearch import AsyncElasticsearch, Elasticsearch


class _BridgedNode(HttpxHttpNode):
    transport: httpx.BaseTransport

    def __init__(self, config: NodeConfig) -> None:
        BaseNode.__init__(self, config)
        self.client = httpx.Client(base_url=self.base_url, transport=self.transport)


class _AsyncBridgedNode(HttpxAsyncHttpNode):
    transport: httpx.AsyncBaseTransport

    def __init__(self, config: NodeConfig) -> None:
        BaseNode.__init__(self, config)
        self.client = httpx.AsyncClient(base_url=self.base_url, transport=self.transport)


def sync_client(url: str, transport: httpx.BaseTransport, **options: Any) -> Elasticsearch:
    """`Elasticsearch` for `url` whose requests all go through `transport`."""
    node_class = type("BridgedHttpxNode", (_BridgedNode,), {"transport": transport})
    return Elasticsearch(url, node_class=cast(type[BaseNode], node_class), **options)


def async_client(url: str, transport: httpx.AsyncBaseTransport, **options: Any) -> AsyncElasticsearch:
    """`AsyncElasticsearch` for `url` whose requests all go through `transport`."""
    node_class = type("AsyncBridgedHttpxNode", (_AsyncBridgedNode,), {"transport": transport})
    return AsyncElasticsearch(url, node_class=cast(type[BaseNode], node_class), **options)
