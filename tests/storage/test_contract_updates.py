"""`update_document` on every backend: each makes it atomic its own way, all with one meaning.

Memory reads, transforms and writes without suspending; SQLite runs all three inside the
writer's transaction; SQLAlchemy retries a compare-and-set. `compare_and_set_update`, the
generic loop, must also hold on every backend's conditional write.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from storage import Storage
from storage.documents import Search, StoredDocument, Term, Transform, compare_and_set_update, update_document
from storage.errors import DocumentNotFound
from storage.indices import CONNECTORS, IndexSchema

ID = "c-1"
WRITERS = 12


class Refused(Exception):
    """What a transform raises to refuse a change (the services raise their API errors)."""


def increment(source: dict[str, Any]) -> dict[str, Any]:
    return {**source, "count": source["count"] + 1}


def refuse(source: dict[str, Any]) -> dict[str, Any]:
    raise Refused(source["name"])


class ReadsThenYields:
    """A storage whose reads suspend, so concurrent compare-and-set loops read before any writes."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def get_document(self, index: IndexSchema, doc_id: str) -> StoredDocument | None:
        document = await self.inner.get_document(index, doc_id)
        await asyncio.sleep(0)
        return document


async def stored(storage: Storage) -> StoredDocument:
    document = await storage.get_document(CONNECTORS, ID)
    assert document is not None
    return document


async def test_update_returns_the_new_source_and_seq_no_and_writes_them(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, ID, {"name": "a", "count": 0})
    outcome = await update_document(storage, CONNECTORS, ID, increment)
    assert (outcome.result, outcome.document.source, outcome.document.seq_no) == (
        "updated",
        {"name": "a", "count": 1},
        1,
    )
    document = await stored(storage)
    assert (document.source, document.seq_no) == ({"name": "a", "count": 1}, 1)


async def found(storage: Storage, *terms: Term) -> list[str]:
    return [document.id for document in (await storage.search(CONNECTORS, Search(terms=terms))).documents]


async def test_update_keeps_the_keyword_columns_in_step(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, ID, {"name": "before", "service_type": "s3", "deleted": False})
    await update_document(storage, CONNECTORS, ID, lambda source: {**source, "name": "after"})
    assert await found(storage, Term("name", ("after",)), Term("service_type", ("s3",))) == [ID]
    assert await found(storage, Term("name", ("before",))) == []
    await update_document(storage, CONNECTORS, ID, lambda source: {**source, "deleted": True, "count": 1})
    assert await found(storage, Term("deleted", (True,)), Term("name", ("after",))) == [ID]
    await update_document(storage, CONNECTORS, ID, lambda source: {"count": 2})
    assert await found(storage, Term("name", ("after",))) == []
    assert await found(storage, Term("deleted", (False,)), Term("name", (None,)), Term("service_type", (None,))) == [ID]


async def test_an_equal_result_is_a_noop_that_keeps_the_version(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, ID, {"name": "a", "flags": {"on": True}})
    outcome = await update_document(storage, CONNECTORS, ID, lambda source: {"flags": {"on": True}, "name": "a"})
    assert (outcome.result, outcome.document.seq_no, outcome.document.source) == (
        "noop",
        0,
        {"name": "a", "flags": {"on": True}},
    )
    assert (await stored(storage)).seq_no == 0


@pytest.mark.parametrize(("before", "after"), [(True, 1), (1, 1.0), (0, False)])
async def test_a_value_python_finds_equal_but_json_does_not_is_written(
    storage: Storage, before: object, after: object
) -> None:
    await storage.create_document(CONNECTORS, ID, {"value": before})
    outcome = await update_document(storage, CONNECTORS, ID, lambda source: {"value": after})
    assert outcome.result == "updated"
    assert repr((await stored(storage)).source["value"]) == repr(after)


async def test_a_failing_transform_raises_its_own_error_and_writes_nothing(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, ID, {"name": "a", "count": 0})
    with pytest.raises(Refused, match="^a$"):
        await update_document(storage, CONNECTORS, ID, refuse)
    document = await stored(storage)
    assert (document.source, document.seq_no) == ({"name": "a", "count": 0}, 0)


async def test_updating_a_missing_document_never_runs_the_transform(storage: Storage) -> None:
    with pytest.raises(DocumentNotFound):
        await update_document(storage, CONNECTORS, "ghost", refuse)
    assert await storage.get_document(CONNECTORS, "ghost") is None


async def test_concurrent_updates_each_see_the_one_before(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, ID, {"name": "a", "count": 0})
    outcomes = await asyncio.gather(*(update_document(storage, CONNECTORS, ID, increment) for _ in range(WRITERS)))
    assert sorted(outcome.document.seq_no for outcome in outcomes) == list(range(1, WRITERS + 1))
    assert sorted(outcome.document.source["count"] for outcome in outcomes) == list(range(1, WRITERS + 1))
    document = await stored(storage)
    assert (document.source["count"], document.seq_no) == (WRITERS, WRITERS)


async def test_a_failing_transform_among_concurrent_updates_fails_alone(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, ID, {"name": "a", "count": 0})
    transforms: list[Transform] = [increment] * 4 + [refuse] + [increment] * 4
    outcomes = await asyncio.gather(
        *(update_document(storage, CONNECTORS, ID, transform) for transform in transforms), return_exceptions=True
    )
    assert [type(outcome) is Refused for outcome in outcomes] == [transform is refuse for transform in transforms]
    assert (await stored(storage)).source["count"] == 8


async def test_the_generic_compare_and_set_loop_loses_no_write_to_racing_readers(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, ID, {"name": "a", "count": 0})
    racing = cast(Storage, ReadsThenYields(storage))
    outcomes = await asyncio.gather(
        *(compare_and_set_update(racing, CONNECTORS, ID, increment) for _ in range(WRITERS))
    )
    assert {outcome.result for outcome in outcomes} == {"updated"}
    document = await stored(storage)
    assert (document.source["count"], document.seq_no) == (WRITERS, WRITERS)
