"""The memory store's indexed searches agree with a brute-force filter and `sort_documents`."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import memory_index
from storage.documents import Contains, Search, SortKey, StoredDocument, Term, merge_partial, sort_documents
from storage.errors import DocumentExists, DocumentNotFound
from storage.indices import IndexSchema, KeywordField
from storage.memory import MemoryStorage
from storage.memory_index import ColumnIndex

ITEMS = IndexSchema(
    name="items",
    table="items",
    fields=(
        KeywordField("tag", ("tag",)),
        KeywordField("flag", ("flag",), kind="boolean"),
        KeywordField("at", ("at",), kind="timestamp"),
    ),
)

TAGS = st.sampled_from([None, "a", "b", "ab", "c*"])
TIMES = st.sampled_from([None, "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", "2024-06-01T12:00:00.5Z"])
SOURCES = st.fixed_dictionaries({"tag": TAGS, "flag": st.booleans(), "at": TIMES, "other": st.integers(0, 3)})
IDS = st.sampled_from([f"id-{number}" for number in range(10)])
FIELDS = st.sampled_from(["tag", "flag", "at", "unknown"])
VALUES = st.sampled_from([None, "a", "b", "ab", True, False, 1_704_067_200_000_000])

TERM = st.builds(Term, FIELDS, st.lists(VALUES, max_size=3).map(tuple))
TERMS = st.lists(TERM, max_size=3).map(tuple)
SORTS = st.lists(st.builds(SortKey, FIELDS, st.booleans()), max_size=3).map(tuple)
SEARCHES = st.builds(
    Search,
    terms=st.just(()) | TERMS,
    contains=st.none() | st.builds(Contains, st.just(("tag", "flag")), st.sampled_from(["a", "b", "*", "c*"])),
    sort=SORTS,
    offset=st.integers(0, 3),
    limit=st.integers(0, 3),
)

CREATE = st.tuples(st.just("create"), IDS, SOURCES)
INDEX = st.tuples(st.just("index"), IDS, SOURCES)
UPDATE = st.tuples(st.just("update"), IDS, SOURCES)
DELETE = st.tuples(st.just("delete"), IDS)
SEARCH = st.tuples(st.just("search"), SEARCHES)
DELETE_BY_QUERY = st.tuples(st.just("delete_by_query"), st.lists(TERM, min_size=1, max_size=2).map(tuple))
CLEAR = st.tuples(st.just("clear"))
# `one_of` picks a branch uniformly: repeats weight writes above deletes, so that indices stay past a page.
OPERATIONS = st.lists(
    st.one_of(*[CREATE, INDEX, UPDATE] * 2, DELETE, SEARCH, SEARCH, DELETE_BY_QUERY, CLEAR), min_size=5, max_size=40
)


def expected_page(documents: dict[str, dict[str, Any]], search: Search) -> tuple[int, list[str]]:
    """The reference: every document checked, the matches sorted by `sort_documents`."""
    matches = [
        (columns, StoredDocument(doc_id, source, 0))
        for doc_id, source in documents.items()
        if matches_search(columns := ITEMS.columns(source), search.terms, search.contains)
    ]
    ordered = sort_documents(matches, search.sort)
    return len(matches), [document.id for document in ordered[search.offset : search.offset + search.limit]]


def matches_search(columns: dict[str, Any], terms: tuple[Term, ...], contains: Contains | None) -> bool:
    if any(columns.get(term.field) not in term.values for term in terms):
        return False
    if contains is None:
        return True
    # Wildcard semantics, written independently of the store's glob: `*` is any run of characters.
    pattern = re.compile(".*".join(re.escape(part) for part in contains.text.split("*")))
    return any(isinstance(columns.get(name), str) and pattern.search(columns[name]) for name in contains.fields)


async def check_search(storage: MemoryStorage, documents: dict[str, dict[str, Any]], search: Search) -> None:
    page = await storage.search(ITEMS, search)
    assert (page.total, [document.id for document in page.documents]) == expected_page(documents, search)


async def replay(
    documents: dict[str, dict[str, Any]], sorts: list[tuple[SortKey, ...]], operations: list[tuple[Any, ...]]
) -> None:
    """Store `documents`, walk `sorts` and filter on every field, then check `operations` against the reference."""
    storage, documents = MemoryStorage(), dict(documents)
    for doc_id, source in documents.items():
        await storage.create_document(ITEMS, doc_id, source)
    # Small pages of dense matches walk an order, which the index then keeps through every write below.
    for sort in sorts:
        await check_search(storage, documents, Search(sort=sort, limit=1))
    for field in ("tag", "flag", "at"):
        await check_search(storage, documents, Search(terms=(Term(field, (None, "a", True)),), limit=1))
    for operation in operations:
        await apply(storage, documents, operation)
    for sort in {*sorts, *(operation[1].sort for operation in operations if operation[0] == "search")}:
        for offset in range(len(documents) + 1):
            await check_search(storage, documents, Search(sort=sort, offset=offset, limit=2))


async def apply(storage: MemoryStorage, documents: dict[str, dict[str, Any]], operation: tuple[Any, ...]) -> None:
    """Run one operation on the store and on the reference `documents`."""
    match operation:
        case ("create", doc_id, source):
            if doc_id in documents:
                with pytest.raises(DocumentExists):
                    await storage.create_document(ITEMS, doc_id, source)
            else:
                await storage.create_document(ITEMS, doc_id, source)
                documents[doc_id] = source
        case ("index", doc_id, source):
            await storage.index_document(ITEMS, doc_id, source)
            documents[doc_id] = source
        case ("update", doc_id, patch):
            if doc_id in documents:
                await storage.update_document(ITEMS, doc_id, lambda current: merge_partial(current, patch))
                documents[doc_id] = merge_partial(documents[doc_id], patch)
            else:
                with pytest.raises(DocumentNotFound):
                    await storage.update_document(ITEMS, doc_id, lambda current: current)
        case ("delete", doc_id):
            assert await storage.delete_document(ITEMS, doc_id) == (documents.pop(doc_id, None) is not None)
        case ("delete_by_query", terms):
            doomed = [
                doc_id for doc_id, source in documents.items() if matches_search(ITEMS.columns(source), terms, None)
            ]
            assert await storage.delete_by_query(ITEMS, terms) == len(doomed)
            for doc_id in doomed:
                del documents[doc_id]
        case ("search", search):
            await check_search(storage, documents, search)
        case ("clear",):
            await storage.clear()
            documents.clear()


PAGE_PATHS = pytest.mark.parametrize("walk_density", [0, 10**9], ids=["sorted-matches", "walked-order"])
"""Runs a test with each way of making a page: `WALK_DENSITY` 0 never walks; a huge one walks whenever it can."""


@PAGE_PATHS
@settings(max_examples=300, deadline=None)
@given(
    documents=st.dictionaries(IDS, SOURCES, min_size=4),
    sorts=st.lists(SORTS, min_size=1, max_size=4),
    operations=OPERATIONS,
)
def test_searches_match_a_full_scan_after_any_writes(
    documents: dict[str, dict[str, Any]],
    sorts: list[tuple[SortKey, ...]],
    operations: list[tuple[Any, ...]],
    walk_density: int,
) -> None:
    # Tiny chunks make splits and emptied chunks, which only large indices reach otherwise.
    with (
        mock.patch.object(memory_index._SortedKeys, "CHUNK", 2),
        mock.patch.object(memory_index, "WALK_DENSITY", walk_density),
    ):
        asyncio.run(replay(documents, sorts, operations))


def pages(index: ColumnIndex, sort: tuple[SortKey, ...], count: int) -> list[str]:
    """Every id in `sort` order, fetched one page of one at a time (small pages of many matches walk)."""
    return [doc_id for offset in range(count) for doc_id in index.page(Search(sort=sort, offset=offset, limit=1))[1]]


@PAGE_PATHS
def test_descending_strings_keep_ties_in_ascending_id_order_and_missing_values_last(walk_density: int) -> None:
    index = ColumnIndex()
    for doc_id, name in [("d", "x"), ("a", None), ("c", "y"), ("b", "x"), ("e", "y"), ("f", None), ("g", "z")]:
        index.add(doc_id, {"name": name})
    sort = (SortKey("name", descending=True),)

    with mock.patch.object(memory_index, "WALK_DENSITY", walk_density):
        assert pages(index, sort, 7) == ["g", "c", "e", "b", "d", "a", "f"]
        assert index.page(Search(sort=sort, offset=2, limit=3)) == (7, ["e", "b", "d"])


@PAGE_PATHS
def test_descending_keys_break_ties_on_the_next_key_then_on_id(walk_density: int) -> None:
    index = ColumnIndex()
    rows = [("1", True, 5), ("2", False, 5), ("3", True, None), ("4", True, 7), ("5", False, 5), ("6", True, 5)]
    for doc_id, live, created in rows:
        index.add(doc_id, {"live": live, "created": created})
    sort = (SortKey("live", descending=True), SortKey("created", descending=True))

    with mock.patch.object(memory_index, "WALK_DENSITY", walk_density):
        assert pages(index, sort, 6) == ["4", "1", "6", "3", "2", "5"]
        index.replace("4", {"live": False, "created": 7})
        assert pages(index, sort, 6) == ["1", "6", "3", "4", "2", "5"]
        assert index.page(Search(terms=(Term("live", (False,)),), sort=sort, limit=2)) == (3, ["4", "2"])
