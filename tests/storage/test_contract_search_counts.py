"""Totals stay exact through every kind of write, and pages keep their order across the boundary
between documents with a sort value and those without one, on every backend.

The SQL databases keep the totals of the common lists (all connectors, live connectors, all sync
jobs) in a table of counts that triggers update, and read pages off indexes, MariaDB in two
parts; these tests hold them to what a plain count and sort give.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from storage import Storage
from storage.documents import Search, SortKey, StoredDocument, Term, Transform, merge_partial, update_document
from storage.errors import DocumentExists
from storage.indices import CONNECTORS, SYNC_JOBS

LIVE = Term("deleted", (False,))
BY_INDEX_NAME = (SortKey("index_name"),)
NEWEST_FIRST = (SortKey("created_at", descending=True),)


async def connector_totals(storage: Storage) -> tuple[int, int]:
    """(live connectors, all connectors), the live ones read with a page and the others without."""
    live = await storage.search(CONNECTORS, Search(terms=(LIVE,), limit=1))
    everything = await storage.search(CONNECTORS, Search(limit=0))
    return live.total, everything.total


def connector(index_name: str | None = None, *, deleted: bool = False, **fields: Any) -> dict[str, Any]:
    return {"index_name": index_name, "deleted": deleted, **fields}


def set_deleted(deleted: bool) -> Transform:
    return lambda source: merge_partial(source, {"deleted": deleted})


async def test_creates_count_live_and_deleted_connectors(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "a", connector("search-a"))
    await storage.create_document(CONNECTORS, "b", connector(None))
    await storage.create_document(CONNECTORS, "c", connector("search-c", deleted=True))
    await storage.create_document(CONNECTORS, "d", {"name": "no deleted field: live"})
    assert await connector_totals(storage) == (3, 4)


async def test_a_refused_create_counts_nothing(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "a", connector("search-a"))
    with pytest.raises(DocumentExists):
        await storage.create_document(CONNECTORS, "a", connector("search-a", deleted=True))
    assert await connector_totals(storage) == (1, 1)


async def test_overwrites_count_the_new_version(storage: Storage) -> None:
    await storage.index_document(CONNECTORS, "a", connector("search-a"))
    await storage.index_document(CONNECTORS, "b", connector("search-b"))
    assert await connector_totals(storage) == (2, 2)
    overwritten = await storage.index_document(CONNECTORS, "a", connector("search-a", deleted=True))
    assert overwritten.seq_no == 1
    assert await connector_totals(storage) == (1, 2)
    await storage.index_document(CONNECTORS, "a", connector("search-a", deleted=True, name="again"))
    assert await connector_totals(storage) == (1, 2)
    restored = await storage.index_document(CONNECTORS, "a", connector("search-a"))
    assert restored.seq_no == 3
    assert await connector_totals(storage) == (2, 2)


async def test_conditional_overwrites_count_the_new_version(storage: Storage) -> None:
    created = await storage.create_document(CONNECTORS, "a", connector("search-a"))
    await storage.index_document(
        CONNECTORS, "a", connector("search-a", deleted=True), if_seq_no=created.seq_no, if_primary_term=1
    )
    assert await connector_totals(storage) == (0, 1)


async def test_soft_delete_and_undelete_move_a_connector_out_of_and_back_into_the_live_total(
    storage: Storage,
) -> None:
    for doc_id in ("a", "b", "c"):
        await storage.create_document(CONNECTORS, doc_id, connector(f"search-{doc_id}"))
    await update_document(storage, CONNECTORS, "b", set_deleted(True))
    assert await connector_totals(storage) == (2, 3)
    noop = await update_document(storage, CONNECTORS, "b", set_deleted(True))
    assert noop.result == "noop"
    assert await connector_totals(storage) == (2, 3)
    await update_document(storage, CONNECTORS, "b", set_deleted(False))
    assert await connector_totals(storage) == (3, 3)


async def test_updates_of_other_fields_leave_the_totals(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "a", connector("search-a"))
    await storage.create_document(CONNECTORS, "b", connector("search-b", deleted=True))
    for doc_id in ("a", "b"):
        await update_document(storage, CONNECTORS, doc_id, lambda source: {**source, "last_seen": "now"})
        await update_document(storage, CONNECTORS, doc_id, lambda source: {**source, "index_name": "renamed"})
    assert await connector_totals(storage) == (1, 2)


async def test_hard_deletes_count_out_what_they_delete(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "a", connector("search-a"))
    await storage.create_document(CONNECTORS, "b", connector("search-b", deleted=True))
    await storage.create_document(CONNECTORS, "c", connector("search-c"))
    assert await storage.delete_document(CONNECTORS, "a") is True
    assert await storage.delete_document(CONNECTORS, "b") is True
    assert await storage.delete_document(CONNECTORS, "b") is False
    assert await connector_totals(storage) == (1, 1)


async def test_delete_by_query_counts_out_every_match(storage: Storage) -> None:
    for n in range(6):
        await storage.create_document(CONNECTORS, f"c-{n}", connector(f"search-{n}", deleted=n % 2 == 0))
    assert await storage.delete_by_query(CONNECTORS, (Term("deleted", (True,)),)) == 3
    assert await connector_totals(storage) == (3, 3)
    for n in range(5):
        await storage.create_document(SYNC_JOBS, f"j-{n}", {"connector": {"id": "c-1" if n < 3 else "c-2"}})
    assert await storage.delete_by_query(SYNC_JOBS, (Term("connector_id", ("c-1",)),)) == 3
    assert (await storage.search(SYNC_JOBS, Search(limit=0))).total == 2
    assert (await storage.search(SYNC_JOBS, Search(sort=NEWEST_FIRST))).total == 2


async def test_clear_counts_everything_out_and_counting_starts_again(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "a", connector("search-a"))
    await storage.create_document(SYNC_JOBS, "j", {"connector": {"id": "a"}})
    await storage.clear()
    assert await connector_totals(storage) == (0, 0)
    assert (await storage.search(SYNC_JOBS, Search())).total == 0
    await storage.create_document(CONNECTORS, "a", connector("search-a"))
    assert await connector_totals(storage) == (1, 1)


async def test_concurrent_creates_are_all_counted(storage: Storage) -> None:
    await asyncio.gather(
        *(storage.create_document(CONNECTORS, f"c-{n}", connector(None, deleted=n % 3 == 0)) for n in range(60))
    )
    await asyncio.gather(*(storage.create_document(SYNC_JOBS, f"j-{n}", {"status": "pending"}) for n in range(40)))
    assert await connector_totals(storage) == (40, 60)
    assert (await storage.search(SYNC_JOBS, Search(limit=0))).total == 40


async def test_concurrent_soft_deletes_and_overwrites_leave_totals_matching_the_documents(storage: Storage) -> None:
    await asyncio.gather(*(storage.create_document(CONNECTORS, f"c-{n}", connector(None)) for n in range(30)))
    await asyncio.gather(
        *(update_document(storage, CONNECTORS, f"c-{n}", set_deleted(True)) for n in range(0, 30, 2)),
        *(storage.index_document(CONNECTORS, "hot", connector(None, deleted=n % 2 == 1)) for n in range(20)),
    )
    documents = [await storage.get_document(CONNECTORS, f"c-{n}") for n in range(30)]
    hot = await storage.get_document(CONNECTORS, "hot")
    live = [doc for doc in [*documents, hot] if doc is not None and doc.source["deleted"] is False]
    assert await connector_totals(storage) == (len(live), 31)


async def _seed_mixed_index_names(storage: Storage) -> list[str]:
    """Connectors with and without index names, live and deleted; the live ones' ids in list order."""
    named = {"n1": "search-b", "n2": "search-a", "n3": "search-b", "n4": "Search-z", "n5": "search-c"}
    for doc_id, index_name in named.items():
        await storage.create_document(CONNECTORS, doc_id, connector(index_name))
    for doc_id in ("u3", "u1", "u4", "u2"):
        await storage.create_document(CONNECTORS, doc_id, connector(None))
    await storage.create_document(CONNECTORS, "d1", connector("search-a", deleted=True))
    await storage.create_document(CONNECTORS, "d2", connector(None, deleted=True))
    return ["n4", "n2", "n1", "n3", "n5", "u1", "u2", "u3", "u4"]


def _ids(documents: list[StoredDocument]) -> list[str]:
    return [document.id for document in documents]


@pytest.mark.parametrize("limit", [1, 2, 4, 5, 6, 100])
async def test_pages_of_live_connectors_put_missing_index_names_last_at_any_offset(
    storage: Storage, limit: int
) -> None:
    expected = await _seed_mixed_index_names(storage)
    for offset in range(len(expected) + 2):
        page = await storage.search(CONNECTORS, Search(terms=(LIVE,), sort=BY_INDEX_NAME, offset=offset, limit=limit))
        assert (page.total, _ids(page.documents)) == (len(expected), expected[offset : offset + limit]), offset


async def test_pages_of_all_connectors_put_missing_index_names_last(storage: Storage) -> None:
    live = await _seed_mixed_index_names(storage)
    expected = ["n4", "d1", "n2", "n1", "n3", "n5", "d2", *live[5:]]
    for offset in range(len(expected) + 1):
        page = await storage.search(CONNECTORS, Search(sort=BY_INDEX_NAME, offset=offset, limit=3))
        assert (page.total, _ids(page.documents)) == (len(expected), expected[offset : offset + 3]), offset


async def test_descending_pages_also_put_missing_index_names_last(storage: Storage) -> None:
    await _seed_mixed_index_names(storage)
    expected = ["n5", "n1", "n3", "n2", "n4", "u1", "u2", "u3", "u4"]
    sort = (SortKey("index_name", descending=True),)
    for offset in range(len(expected) + 1):
        page = await storage.search(CONNECTORS, Search(terms=(LIVE,), sort=sort, offset=offset, limit=2))
        assert _ids(page.documents) == expected[offset : offset + 2], offset


async def test_pages_with_no_index_names_at_all_are_in_id_order(storage: Storage) -> None:
    ids = [f"c-{n:02}" for n in range(25)]
    await asyncio.gather(*(storage.create_document(CONNECTORS, doc_id, connector(None)) for doc_id in reversed(ids)))
    for offset in (0, 10, 20, 24, 25):
        page = await storage.search(CONNECTORS, Search(terms=(LIVE,), sort=BY_INDEX_NAME, offset=offset, limit=10))
        assert (page.total, _ids(page.documents)) == (25, ids[offset : offset + 10])


async def test_sync_job_pages_are_newest_first_then_by_id_with_missing_timestamps_last(storage: Storage) -> None:
    jobs = {
        "j1": "2024-01-01T00:00:02Z",
        "j2": "2024-01-01T00:00:01Z",
        "j3": None,
        "j4": "2024-01-01T00:00:02Z",
        "j5": "2024-01-01T00:00:03Z",
        "j6": None,
    }
    for job_id, created_at in jobs.items():
        source = {"connector": {"id": "c"}, "created_at": created_at} if created_at else {"connector": {"id": "c"}}
        await storage.create_document(SYNC_JOBS, job_id, source)
    await storage.create_document(SYNC_JOBS, "other", {"connector": {"id": "x"}, "created_at": "2030-01-01T00:00:00Z"})
    expected = ["j5", "j1", "j4", "j2", "j3", "j6"]
    for offset in range(len(expected) + 1):
        search = Search(terms=(Term("connector_id", ("c",)),), sort=NEWEST_FIRST, offset=offset, limit=4)
        page = await storage.search(SYNC_JOBS, search)
        assert (page.total, _ids(page.documents)) == (6, expected[offset : offset + 4]), offset
    everything = await storage.search(SYNC_JOBS, Search(sort=NEWEST_FIRST))
    assert (everything.total, _ids(everything.documents)) == (7, ["other", *expected])
