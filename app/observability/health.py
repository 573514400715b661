"""Cluster health as Elasticsearch reports it, for a one-node cluster whose data is the storage.

The server is the one node; the storage holds the data of the connector indices (one primary
shard each, no replicas). While `storage.ping()` answers, every shard is active and the
status is `green`; when it fails or does not answer in time, the data node is gone, every
shard is unassigned and the status is `red`. There is no `yellow` (no replicas to miss).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from storage import Storage
from storage.indices import ALL_INDICES

logger = logging.getLogger("connector_api.health")

GREEN, YELLOW, RED = "green", "yellow", "red"
STATUSES = (GREEN, YELLOW, RED)
"""From best to worst: waiting for a status is satisfied by it or any better one."""
RETRY_SECONDS = 0.25
"""How often `wait_for_status` pings the storage again."""
SHARDS = len(ALL_INDICES)


@dataclass(frozen=True, slots=True)
class Health:
    status: str
    timed_out: bool = False
    failure: BaseException | None = None
    """Why the storage did not answer, when it did not (None also for a timeout)."""


async def check(storage: Storage, timeout: float | None, wait_for: str | None) -> Health:
    """Ping the storage within `timeout` seconds (None: no limit); with `wait_for`, ping again
    until the status is at least that good or the time is up (`timed_out`)."""
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    while True:
        health = await _ping(storage, None if deadline is None else max(deadline - loop.time(), 0.0))
        if health.timed_out or wait_for is None or _at_least(health.status, wait_for):
            return health
        if deadline is not None and loop.time() + RETRY_SECONDS >= deadline:
            await asyncio.sleep(max(deadline - loop.time(), 0.0))
            return Health(health.status, timed_out=True, failure=health.failure)
        await asyncio.sleep(RETRY_SECONDS)


async def _ping(storage: Storage, timeout: float | None) -> Health:
    try:
        async with asyncio.timeout(timeout):
            await storage.ping()
    except TimeoutError:
        logger.warning("health: the storage did not answer within %ss", timeout)
        return Health(RED, timed_out=True)
    except Exception as error:  # any failure to answer makes the cluster red; the log says which
        logger.warning("health: the storage does not answer: %s: %s", type(error).__name__, error)
        return Health(RED, failure=error)
    return Health(GREEN)


def _at_least(status: str, wanted: str) -> bool:
    return STATUSES.index(status) <= STATUSES.index(wanted)


def health_body(cluster_name: str, health: Health, *, human: bool = False) -> dict[str, Any]:
    """`GET /_cluster/health`'s body, with Elasticsearch's fields in Elasticsearch's order."""
    active = SHARDS if health.status == GREEN else 0
    body: dict[str, Any] = {
        "cluster_name": cluster_name,
        "status": health.status,
        "timed_out": health.timed_out,
        "number_of_nodes": 1,
        "number_of_data_nodes": 1 if active else 0,
        "active_primary_shards": active,
        "active_shards": active,
        "relocating_shards": 0,
        "initializing_shards": 0,
        "unassigned_shards": SHARDS - active,
        "unassigned_primary_shards": SHARDS - active,
        "delayed_unassigned_shards": 0,
        "number_of_pending_tasks": 0,
        "number_of_in_flight_fetch": 0,
    }
    percent = 100.0 * active / SHARDS
    if human:
        body["task_max_waiting_in_queue"] = "0s"
    body["task_max_waiting_in_queue_millis"] = 0
    if human:
        body["active_shards_percent"] = f"{percent:.1f}%"
    body["active_shards_percent_as_number"] = percent
    return body
