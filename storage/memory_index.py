"""The keyword columns of one in-memory index, with the indexes that keep searches off a full scan.

Term filters resolve through an inverted index (field -> value -> ids), built for a field the
first time a search filters on it. Pages walk an order of (sort key, id) kept for each sort a
search has walked, and stop once they have the page; when few documents match, sorting just the
matches is cheaper. Both are kept in step by every write, and both are skipped when a write
leaves the columns as they were. Orders agree exactly with `storage.documents.sort_documents`.
"""

from __future__ import annotations

import fnmatch
import heapq
from bisect import bisect_left, insort
from collections.abc import Collection, Iterable, Iterator, Mapping
from itertools import chain, islice
from typing import Any

from storage.documents import Contains, Search, SortKey, Term

SortTuple = tuple[Any, ...]
"""A document's place in an order: (missing, value) for each sort key, then its id."""

Columns = Mapping[str, Any]

WALK_DENSITY = 8
"""Walk the order when at least one document in this many matches; else sort the matches."""


class ColumnIndex:
    """Keyword columns by document id, with term lookups and ordered pages over them."""

    def __init__(self) -> None:
        self._columns: dict[str, Columns] = {}
        self._postings: dict[str, dict[Any, set[str]]] = {}
        self._orders: dict[tuple[SortKey, ...], _Order] = {}

    def add(self, doc_id: str, columns: Columns) -> None:
        """Index a document that is not indexed yet."""
        self._columns[doc_id] = columns
        for field, postings in self._postings.items():
            _put(postings, columns.get(field), doc_id)
        for order in self._orders.values():
            order.keys.add(order.key(doc_id, columns))

    def remove(self, doc_id: str) -> None:
        """Forget a document; one that is not indexed is ignored."""
        columns = self._columns.pop(doc_id, None)
        if columns is None:
            return
        for field, postings in self._postings.items():
            _discard(postings, columns.get(field), doc_id)
        for order in self._orders.values():
            order.keys.remove(order.key(doc_id, columns))

    def replace(self, doc_id: str, columns: Columns) -> None:
        """Re-index an indexed document with new columns; equal columns cost one comparison."""
        old = self._columns[doc_id]
        if old == columns:
            return
        self._columns[doc_id] = columns
        for field, postings in self._postings.items():
            old_value, new_value = old.get(field), columns.get(field)
            if old_value != new_value:
                _discard(postings, old_value, doc_id)
                _put(postings, new_value, doc_id)
        for order in self._orders.values():
            old_key, new_key = order.key(doc_id, old), order.key(doc_id, columns)
            if old_key != new_key:
                order.keys.remove(old_key)
                order.keys.add(new_key)

    def matching_ids(self, terms: tuple[Term, ...], contains: Contains | None = None) -> Collection[str]:
        """The ids of documents matching every term and `contains`: a live view, not a copy."""
        unions = sorted((self._term_ids(term) for term in terms), key=len)
        candidates: Collection[str] = self._columns.keys()
        if len(unions) == 1:
            candidates = unions[0]
        elif unions:
            smallest, rest = unions[0], unions[1:]
            candidates = {doc_id for doc_id in smallest if all(doc_id in other for other in rest)}
        if contains is None:
            return candidates
        return {doc_id for doc_id in candidates if _contains_text(self._columns[doc_id], contains)}

    def count(self, terms: tuple[Term, ...], contains: Contains | None = None) -> int:
        """How many documents match; with terms alone, set sizes, no scan."""
        return len(self.matching_ids(terms, contains))

    def page(self, search: Search) -> tuple[int, list[str]]:
        """The total number of matches and the ids of `search`'s page of them, in order."""
        matches = self.matching_ids(search.terms, search.contains)
        total = len(matches)
        wanted = search.offset + search.limit
        if search.offset < 0 or search.limit < 0:
            ordered = sorted(matches, key=lambda doc_id: sort_key(search.sort, doc_id, self._columns[doc_id]))
            return total, ordered[search.offset : wanted]
        if total <= wanted or total * WALK_DENSITY < len(self._columns):
            return total, self._sorted_page(matches, search)
        walked = (key[-1] for key in self._order(search.sort).keys if key[-1] in matches)
        return total, list(islice(walked, search.offset, wanted))

    def _sorted_page(self, matches: Iterable[str], search: Search) -> list[str]:
        keys = (sort_key(search.sort, doc_id, self._columns[doc_id]) for doc_id in matches)
        smallest = heapq.nsmallest(search.offset + search.limit, keys)
        return [key[-1] for key in smallest[search.offset :]]

    def _term_ids(self, term: Term) -> Collection[str]:
        postings = self._postings.get(term.field)
        if postings is None:
            postings = self._postings[term.field] = {}
            for doc_id, columns in self._columns.items():
                _put(postings, columns.get(term.field), doc_id)
        found = (_lookup(postings, value) for value in term.values)
        # Values that are equal (`"a"` twice, or `1` and `True`) share one set: count it once.
        sets = list({id(ids): ids for ids in found if ids}.values())
        return sets[0] if len(sets) == 1 else _IdUnion(sets)

    def _order(self, sort: tuple[SortKey, ...]) -> _Order:
        order = self._orders.get(sort)
        if order is None:
            order = self._orders[sort] = _Order(sort, self._columns.items())
        return order


def sort_key(sort: tuple[SortKey, ...], doc_id: str, columns: Columns) -> SortTuple:
    """A document's place in `sort`: missing values last in either direction, ties by id ascending."""
    parts: list[Any] = []
    for key in sort:
        value = columns.get(key.field)
        if value is None:
            parts += (1, None)
        else:
            parts += (0, _descending(value) if key.descending else value)
    parts.append(doc_id)
    return tuple(parts)


def _descending(value: Any) -> Any:
    # Numbers (bools too) negate, which keeps comparisons in C; anything else gets a reversing wrapper.
    if isinstance(value, int | float):
        return -value
    return _Reversed(value)


class _Reversed:
    """Orders its value backwards. Tuples compare items with `==` first, then `<`: both are needed."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.value == other.value)

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.value < self.value)


class _Order:
    """Every document's sort tuple for one sort, kept sorted."""

    def __init__(self, sort: tuple[SortKey, ...], documents: Iterable[tuple[str, Columns]]) -> None:
        self.sort = sort
        self.keys = _SortedKeys(self.key(doc_id, columns) for doc_id, columns in documents)

    def key(self, doc_id: str, columns: Columns) -> SortTuple:
        return sort_key(self.sort, doc_id, columns)


class _SortedKeys:
    """Unique keys in ascending order, held in chunks so that a write moves at most one chunk's items."""

    CHUNK = 512

    def __init__(self, keys: Iterable[SortTuple]) -> None:
        ordered = sorted(keys)
        self._chunks = [ordered[start : start + self.CHUNK] for start in range(0, len(ordered), self.CHUNK)]
        self._maxes = [chunk[-1] for chunk in self._chunks]

    def __iter__(self) -> Iterator[SortTuple]:
        return chain.from_iterable(self._chunks)

    def add(self, key: SortTuple) -> None:
        if not self._chunks:
            self._chunks.append([key])
            self._maxes.append(key)
            return
        # The first chunk whose largest key is not below `key`; past every chunk, the last one.
        at = min(bisect_left(self._maxes, key), len(self._chunks) - 1)
        chunk = self._chunks[at]
        insort(chunk, key)
        self._maxes[at] = chunk[-1]
        if len(chunk) > 2 * self.CHUNK:
            self._chunks[at : at + 1] = [chunk[: self.CHUNK], chunk[self.CHUNK :]]
            self._maxes[at : at + 1] = [chunk[self.CHUNK - 1], chunk[-1]]

    def remove(self, key: SortTuple) -> None:
        at = bisect_left(self._maxes, key)
        chunk = self._chunks[at]
        del chunk[bisect_left(chunk, key)]
        if chunk:
            self._maxes[at] = chunk[-1]
        else:
            del self._chunks[at]
            del self._maxes[at]


class _IdUnion:
    """The ids in any of several disjoint sets, without copying them."""

    def __init__(self, sets: list[set[str]]) -> None:
        self._sets = sets

    def __len__(self) -> int:
        return sum(len(ids) for ids in self._sets)

    def __contains__(self, doc_id: object) -> bool:
        return any(doc_id in ids for ids in self._sets)

    def __iter__(self) -> Iterator[str]:
        return chain.from_iterable(self._sets)


def _lookup(postings: dict[Any, set[str]], value: Any) -> set[str] | None:
    try:
        return postings.get(value)
    except TypeError:  # an unhashable value equals no column value
        return None


def _put(postings: dict[Any, set[str]], value: Any, doc_id: str) -> None:
    ids = postings.get(value)
    if ids is None:
        postings[value] = {doc_id}
    else:
        ids.add(doc_id)


def _discard(postings: dict[Any, set[str]], value: Any, doc_id: str) -> None:
    ids = postings[value]
    ids.discard(doc_id)
    if not ids:
        del postings[value]


def _contains_text(columns: Columns, contains: Contains) -> bool:
    pattern = "*" + _escape_glob(contains.text) + "*"
    return any(
        isinstance(columns.get(name), str) and fnmatch.fnmatchcase(columns[name], pattern) for name in contains.fields
    )


def _escape_glob(text: str) -> str:
    """Keep `*` and `?` as wildcards, as Elasticsearch's wildcard query does; `[` is literal there."""
    return "".join(f"[{char}]" if char in "[]" else char for char in text)
