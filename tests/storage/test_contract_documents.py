"""The storage contract: every implementation answers these the same way."""

from __future__ import annotations

import asyncio

import pytest

from storage import Storage
from storage.documents import Contains, Search, SortKey, Term, update_document
from storage.errors import DocumentExists, DocumentNotFound, VersionConflict
from storage.indices import CONNECTORS, SYNC_JOBS


async def test_get_missing_document_returns_none(storage: Storage) -> None:
    assert await storage.get_document(CONNECTORS, "nope") is None


async def test_create_then_get_round_trips_the_source(storage: Storage) -> None:
    source = {"name": "ünïcode ✓", "nested": {"list": [1, 2.5, None, True]}, "deleted": False}
    created = await storage.create_document(CONNECTORS, "c-1", source)
    assert (created.id, created.seq_no, created.primary_term) == ("c-1", 0, 1)
    fetched = await storage.get_document(CONNECTORS, "c-1")
    assert fetched is not None
    assert fetched.source == source
    assert fetched.seq_no == 0


async def test_create_existing_id_raises_document_exists(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "c-1", {"name": "a"})
    with pytest.raises(DocumentExists):
        await storage.create_document(CONNECTORS, "c-1", {"name": "b"})
    fetched = await storage.get_document(CONNECTORS, "c-1")
    assert fetched is not None and fetched.source == {"name": "a"}


async def test_ids_are_case_sensitive(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "Abc", {"name": "upper"})
    await storage.create_document(CONNECTORS, "abc", {"name": "lower"})
    upper = await storage.get_document(CONNECTORS, "Abc")
    assert upper is not None and upper.source == {"name": "upper"}


async def test_index_document_creates_then_overwrites_bumping_seq_no(storage: Storage) -> None:
    first = await storage.index_document(CONNECTORS, "c-1", {"name": "a"})
    second = await storage.index_document(CONNECTORS, "c-1", {"name": "b"})
    assert (first.seq_no, second.seq_no) == (0, 1)
    fetched = await storage.get_document(CONNECTORS, "c-1")
    assert fetched is not None and fetched.source == {"name": "b"} and fetched.seq_no == 1


async def test_conditional_index_succeeds_on_matching_version(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "c-1", {"name": "a"})
    stored = await storage.index_document(CONNECTORS, "c-1", {"name": "b"}, if_seq_no=0, if_primary_term=1)
    assert stored.seq_no == 1


async def test_conditional_index_on_stale_version_raises_and_changes_nothing(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "c-1", {"name": "a"})
    await storage.index_document(CONNECTORS, "c-1", {"name": "b"})
    with pytest.raises(VersionConflict):
        await storage.index_document(CONNECTORS, "c-1", {"name": "c"}, if_seq_no=0, if_primary_term=1)
    fetched = await storage.get_document(CONNECTORS, "c-1")
    assert fetched is not None and fetched.source == {"name": "b"}


async def test_conditional_index_on_missing_document_raises_version_conflict(storage: Storage) -> None:
    with pytest.raises(VersionConflict):
        await storage.index_document(CONNECTORS, "ghost", {"name": "x"}, if_seq_no=0, if_primary_term=1)
    assert await storage.get_document(CONNECTORS, "ghost") is None


async def test_delete_document_reports_whether_it_existed(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "c-1", {"name": "a"})
    assert await storage.delete_document(CONNECTORS, "c-1") is True
    assert await storage.delete_document(CONNECTORS, "c-1") is False
    assert await storage.get_document(CONNECTORS, "c-1") is None


async def test_indices_are_separate(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "same", {"kind": "connector"})
    await storage.create_document(SYNC_JOBS, "same", {"kind": "job", "connector": {"id": "x"}})
    connector = await storage.get_document(CONNECTORS, "same")
    assert connector is not None and connector.source == {"kind": "connector"}


async def _seed_connectors(storage: Storage) -> None:
    rows = [
        ("a", {"index_name": "search-b", "name": "alpha", "service_type": "jira", "deleted": False}),
        ("b", {"index_name": "content-a", "name": "beta", "service_type": "github", "deleted": False}),
        ("c", {"index_name": "search-c", "name": "gamma", "description": "Big Jira", "deleted": True}),
        ("d", {"name": "delta", "deleted": False}),
        ("e", {"index_name": "Search-Z", "name": "epsilon", "service_type": "jira", "deleted": False}),
    ]
    for doc_id, source in rows:
        await storage.create_document(CONNECTORS, doc_id, source)


async def test_search_sorts_by_code_point_with_missing_values_last(storage: Storage) -> None:
    await _seed_connectors(storage)
    page = await storage.search(CONNECTORS, Search(sort=(SortKey("index_name"),)))
    assert page.total == 5
    assert [doc.id for doc in page.documents] == ["e", "b", "a", "c", "d"]


async def test_search_descending_keeps_missing_values_last(storage: Storage) -> None:
    await _seed_connectors(storage)
    page = await storage.search(CONNECTORS, Search(sort=(SortKey("index_name", descending=True),)))
    assert [doc.id for doc in page.documents] == ["c", "a", "b", "e", "d"]


async def test_search_terms_match_any_value_and_all_fields(storage: Storage) -> None:
    await _seed_connectors(storage)
    search = Search(
        terms=(Term("service_type", ("jira", "github")), Term("deleted", (False,))),
        sort=(SortKey("index_name"),),
    )
    page = await storage.search(CONNECTORS, search)
    assert [doc.id for doc in page.documents] == ["e", "b", "a"]
    assert page.documents[0].source["name"] == "epsilon"


async def test_search_pages_with_total_of_all_matches(storage: Storage) -> None:
    await _seed_connectors(storage)
    page = await storage.search(CONNECTORS, Search(sort=(SortKey("index_name"),), offset=1, limit=2))
    assert page.total == 5
    assert [doc.id for doc in page.documents] == ["b", "a"]
    empty = await storage.search(CONNECTORS, Search(offset=10, limit=5))
    assert (empty.total, empty.documents) == (5, [])


async def test_search_with_limit_zero_counts_only(storage: Storage) -> None:
    await _seed_connectors(storage)
    page = await storage.search(CONNECTORS, Search(limit=0))
    assert (page.total, page.documents) == (5, [])


async def test_search_contains_is_a_case_sensitive_substring_of_any_field(storage: Storage) -> None:
    await _seed_connectors(storage)
    fields = ("index_name", "name", "description")
    found = await storage.search(CONNECTORS, Search(contains=Contains(fields, "Jira"), sort=(SortKey("name"),)))
    assert [doc.id for doc in found.documents] == ["c"]
    found = await storage.search(CONNECTORS, Search(contains=Contains(fields, "earch-"), sort=(SortKey("name"),)))
    assert [doc.id for doc in found.documents] == ["a", "e", "c"]


async def test_search_contains_treats_sql_wildcards_literally(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "p", {"name": "100% sure_thing", "deleted": False})
    await storage.create_document(CONNECTORS, "q", {"name": "100 x sureXthing", "deleted": False})
    found = await storage.search(CONNECTORS, Search(contains=Contains(("name",), "0% sure_")))
    assert [doc.id for doc in found.documents] == ["p"]


async def test_search_contains_honours_elasticsearch_wildcards(storage: Storage) -> None:
    await _seed_connectors(storage)
    found = await storage.search(
        CONNECTORS, Search(contains=Contains(("index_name",), "search-?"), sort=(SortKey("index_name"),))
    )
    assert [doc.id for doc in found.documents] == ["a", "c"]


async def test_search_sorts_sync_jobs_by_timestamp(storage: Storage) -> None:
    for doc_id, created in [
        ("j1", "2024-01-01T00:00:00.5Z"),
        ("j2", "2024-01-01T00:00:00.123456Z"),
        ("j3", "2023-12-31T23:59:59.999Z"),
    ]:
        await storage.create_document(SYNC_JOBS, doc_id, {"connector": {"id": "c"}, "created_at": created})
    page = await storage.search(SYNC_JOBS, Search(sort=(SortKey("created_at", descending=True),)))
    assert [doc.id for doc in page.documents] == ["j1", "j2", "j3"]


async def test_search_filters_on_nested_keyword(storage: Storage) -> None:
    await storage.create_document(SYNC_JOBS, "j1", {"connector": {"id": "c-1"}, "status": "pending"})
    await storage.create_document(SYNC_JOBS, "j2", {"connector": {"id": "c-2"}, "status": "pending"})
    page = await storage.search(SYNC_JOBS, Search(terms=(Term("connector_id", ("c-2",)),)))
    assert [doc.id for doc in page.documents] == ["j2"]


async def test_keyword_columns_follow_overwrites(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "c-1", {"index_name": "old", "deleted": False})
    await storage.index_document(CONNECTORS, "c-1", {"index_name": "new", "deleted": True})
    old = await storage.search(CONNECTORS, Search(terms=(Term("index_name", ("old",)),)))
    new = await storage.search(CONNECTORS, Search(terms=(Term("index_name", ("new",)), Term("deleted", (True,)))))
    assert (old.total, new.total) == (0, 1)


async def test_delete_by_query_deletes_only_matches(storage: Storage) -> None:
    await storage.create_document(SYNC_JOBS, "j1", {"connector": {"id": "c-1"}})
    await storage.create_document(SYNC_JOBS, "j2", {"connector": {"id": "c-1"}})
    await storage.create_document(SYNC_JOBS, "j3", {"connector": {"id": "c-2"}})
    assert await storage.delete_by_query(SYNC_JOBS, (Term("connector_id", ("c-1",)),)) == 2
    remaining = await storage.search(SYNC_JOBS, Search())
    assert [doc.id for doc in remaining.documents] == ["j3"]


async def test_clear_empties_every_index(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "c-1", {"name": "a"})
    await storage.create_document(SYNC_JOBS, "j-1", {"connector": {"id": "c-1"}})
    await storage.clear()
    assert (await storage.search(CONNECTORS, Search())).total == 0
    assert (await storage.search(SYNC_JOBS, Search())).total == 0


async def test_update_document_reports_updated_then_noop(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "c-1", {"name": "a", "scheduling": {"full": {"enabled": False}}})

    def enable(source: dict[str, object]) -> dict[str, object]:
        return {**source, "scheduling": {"full": {"enabled": True}}}

    first = await update_document(storage, CONNECTORS, "c-1", enable)
    second = await update_document(storage, CONNECTORS, "c-1", enable)
    assert (first.result, first.document.seq_no) == ("updated", 1)
    assert (second.result, second.document.seq_no) == ("noop", 1)


async def test_update_missing_document_raises_not_found(storage: Storage) -> None:
    with pytest.raises(DocumentNotFound):
        await update_document(storage, CONNECTORS, "ghost", lambda source: source)


async def test_concurrent_updates_of_different_fields_all_survive(storage: Storage) -> None:
    await storage.create_document(CONNECTORS, "c-1", {"name": "a"})

    async def writer(field: str) -> None:
        for value in range(15):
            await update_document(storage, CONNECTORS, "c-1", lambda source, value=value: {**source, field: value})

    await asyncio.gather(*(writer(f"field_{n}") for n in range(4)))
    stored = await storage.get_document(CONNECTORS, "c-1")
    assert stored is not None
    assert {f"field_{n}": 14 for n in range(4)}.items() <= stored.source.items()
    assert stored.seq_no == 60
