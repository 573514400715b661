"""Connector partial updates on every backend: their effects, and two writers at once.

Every partial update is a compare-and-set loop over a pure transform, so two concurrent
updates of different fields of one connector must both survive, and a rule checked inside
the transform (the state machine) must see the version that is written.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest

from app.dates import now, parse_date
from app.domain.models import ConnectorStatus
from app.errors import ResourceNotFound, StatusError
from app.services import connector_updates as service
from app.services.connectors import create_connector, delete_connector, get_connector
from storage import Storage
from storage.documents import StoredDocument
from storage.indices import IndexSchema

ID = "my-connector"
ROUNDS = 5
STATUS_CYCLE = (
    ConnectorStatus.NEEDS_CONFIGURATION,
    ConnectorStatus.CONFIGURED,
    ConnectorStatus.CONNECTED,
    ConnectorStatus.CONFIGURED,
    ConnectorStatus.CONNECTED,
)


class Interleaving:
    """A storage that yields after every read, so concurrent writers read before either writes.

    Without it an in-memory update could run from read to write without suspending, and
    the writers would take turns instead of racing.
    """

    def __init__(self, inner: Storage) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def get_document(self, index: IndexSchema, doc_id: str) -> StoredDocument | None:
        document = await self.inner.get_document(index, doc_id)
        await asyncio.sleep(0)
        return document


def racing(storage: Storage) -> Storage:
    return cast(Storage, Interleaving(storage))


async def source(storage: Storage, connector_id: str = ID) -> dict[str, Any]:
    return (await get_connector(storage, connector_id, include_deleted=True)).source


async def test_check_in_sets_last_seen_to_now(storage: Storage) -> None:
    await create_connector(storage, ID, {})
    before = parse_date(now())
    outcome = await service.check_in(storage, ID)
    assert outcome.result == "updated"
    seen = parse_date((await source(storage))["last_seen"])
    assert (seen.moment, seen.nanos) >= (before.moment, before.nanos)


async def test_status_transition_is_written_when_the_state_machine_allows_it(storage: Storage) -> None:
    await create_connector(storage, ID, {})
    await service.update_status(storage, ID, {"status": ConnectorStatus.NEEDS_CONFIGURATION})
    assert (await source(storage))["status"] == "needs_configuration"


async def test_status_transition_from_created_to_configured_is_rejected(storage: Storage) -> None:
    await create_connector(storage, ID, {})
    with pytest.raises(StatusError):
        await service.update_status(storage, ID, {"status": ConnectorStatus.CONFIGURED})
    assert (await source(storage))["status"] == "created"


async def test_status_of_a_soft_deleted_connector_is_not_found(storage: Storage) -> None:
    await create_connector(storage, ID, {})
    await delete_connector(storage, ID, hard=False, delete_sync_jobs=False)
    with pytest.raises(ResourceNotFound, match=r"connector \[my-connector\] not found"):
        await service.update_status(storage, ID, {"status": ConnectorStatus.ERROR})


async def test_error_on_a_soft_deleted_connector_is_applied_as_in_elasticsearch(storage: Storage) -> None:
    await create_connector(storage, ID, {})
    await delete_connector(storage, ID, hard=False, delete_sync_jobs=False)
    await service.update_error(storage, ID, {"error": "boom"})
    assert (await source(storage))["error"] == "boom"


async def test_update_of_a_missing_connector_is_not_found(storage: Storage) -> None:
    with pytest.raises(ResourceNotFound, match=r"connector \[missing\] not found"):
        await service.update_name(storage, "missing", {"name": "x"})


async def test_index_name_used_by_another_live_connector_is_rejected(storage: Storage) -> None:
    await create_connector(storage, ID, {})
    await create_connector(storage, "other", {"index_name": "search-taken"})
    with pytest.raises(StatusError, match=r"Index name \[search-taken\] is used by another connector\."):
        await service.update_index_name(storage, ID, {"index_name": "search-taken"})


async def test_index_name_of_a_soft_deleted_connector_can_be_reused(storage: Storage) -> None:
    await create_connector(storage, ID, {})
    await create_connector(storage, "other", {"index_name": "search-taken"})
    await delete_connector(storage, "other", hard=False, delete_sync_jobs=False)
    await service.update_index_name(storage, ID, {"index_name": "search-taken"})
    assert (await source(storage))["index_name"] == "search-taken"


async def test_concurrent_conflicting_status_transitions_let_exactly_one_win(storage: Storage) -> None:
    for _ in range(ROUNDS):
        await create_connector(storage, ID, {})
        await service.update_status(storage, ID, {"status": ConnectorStatus.NEEDS_CONFIGURATION})
        await service.update_status(storage, ID, {"status": ConnectorStatus.CONFIGURED})
        # From configured both moves are allowed, but neither is allowed after the other.
        moves = (ConnectorStatus.CONNECTED, ConnectorStatus.NEEDS_CONFIGURATION)
        outcomes = await asyncio.gather(
            *(service.update_status(racing(storage), ID, {"status": move}) for move in moves), return_exceptions=True
        )
        failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        assert len(failures) == 1 and isinstance(failures[0], StatusError)
        winner = moves[outcomes.index(next(o for o in outcomes if not isinstance(o, BaseException)))]
        assert (await source(storage))["status"] == winner.value


@dataclass(frozen=True)
class Writer:
    """One partial update, parametrised by round, and how to see that it landed."""

    name: str
    write: Callable[[Storage, int], Awaitable[object]]
    landed: Callable[[dict[str, Any], int], bool]


def _last_seen_is_recent(document: dict[str, Any], _round: int) -> bool:
    return "last_seen" in document and parse_date(document["last_seen"]).moment.year >= 2024


WRITERS = [
    Writer("check_in", lambda s, n: service.check_in(s, ID), _last_seen_is_recent),
    Writer(
        "status",
        lambda s, n: service.update_status(s, ID, {"status": STATUS_CYCLE[n]}),
        lambda d, n: d["status"] == STATUS_CYCLE[n].value,
    ),
    Writer(
        "error",
        lambda s, n: service.update_error(s, ID, {"error": f"error {n}"}),
        lambda d, n: d["error"] == f"error {n}",
    ),
    Writer(
        "api_key_id",
        lambda s, n: service.update_api_key_id(s, ID, {"api_key_id": f"key-{n}"}),
        lambda d, n: d["api_key_id"] == f"key-{n}",
    ),
    Writer(
        "pipeline",
        lambda s, n: service.update_pipeline(s, ID, {"pipeline": _pipeline(n)}),
        lambda d, n: d["pipeline"] == _pipeline(n),
    ),
    Writer(
        "index_name",
        lambda s, n: service.update_index_name(s, ID, {"index_name": f"content-{n}"}),
        lambda d, n: d["index_name"] == f"content-{n}",
    ),
    Writer(
        "service_type",
        lambda s, n: service.update_service_type(s, ID, {"service_type": f"type-{n}"}),
        lambda d, n: d["service_type"] == f"type-{n}",
    ),
    Writer(
        "native",
        lambda s, n: service.update_native(s, ID, {"is_native": n % 2 == 0}),
        lambda d, n: d["is_native"] is (n % 2 == 0),
    ),
    Writer(
        "scheduling",
        lambda s, n: service.update_scheduling(s, ID, {"scheduling": {"full": _schedule(n)}}),
        lambda d, n: d["scheduling"]["full"] == _schedule(n) and d["scheduling"]["incremental"]["enabled"] is False,
    ),
    Writer(
        "features",
        lambda s, n: service.update_features(s, ID, {"features": {"sync_rules": {"basic": {"enabled": n % 2 == 0}}}}),
        lambda d, n: d["features"]["sync_rules"]["basic"]["enabled"] is (n % 2 == 0),
    ),
]
NAME_WRITER = Writer(
    "name", lambda s, n: service.update_name(s, ID, {"name": f"name-{n}"}), lambda d, n: d["name"] == f"name-{n}"
)
WRITERS.append(NAME_WRITER)


def _pipeline(round_: int) -> dict[str, Any]:
    return {
        "extract_binary_content": True,
        "name": f"pipeline-{round_}",
        "reduce_whitespace": False,
        "run_ml_inference": True,
    }


def _schedule(round_: int) -> dict[str, Any]:
    return {"enabled": True, "interval": f"{round_} 0 0 * * ?"}


@pytest.mark.parametrize("writer", WRITERS, ids=[writer.name for writer in WRITERS])
async def test_two_writers_on_different_fields_both_survive(storage: Storage, writer: Writer) -> None:
    partner = WRITERS[4] if writer is NAME_WRITER else NAME_WRITER
    await create_connector(storage, ID, {"index_name": "content-initial"})
    for round_ in range(ROUNDS):
        await asyncio.gather(writer.write(racing(storage), round_), partner.write(racing(storage), round_))
        document = await source(storage)
        assert writer.landed(document, round_), (writer.name, round_, document)
        assert partner.landed(document, round_), (partner.name, round_, document)
