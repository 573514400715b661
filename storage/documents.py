"""Documents as the storage keeps them, searches over them, and the partial-update rules.

Every write bumps a document's `seq_no`; a conditional write names the `seq_no` and
`primary_term` it read, as Elasticsearch's `if_seq_no`/`if_primary_term` do. Partial updates
go through `update_document`, which each storage implements atomically in its own way; the
generic way, `compare_and_set_update`, is built on the conditional write: read, transform,
write if nothing changed in between, else try again.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import orjson

from storage.errors import DocumentNotFound, VersionConflict

if TYPE_CHECKING:
    from storage.base import Storage
    from storage.indices import IndexSchema

PRIMARY_TERM = 1
"""There is one copy of every document, so its primary term never changes."""


@dataclass(frozen=True, slots=True)
class StoredDocument:
    id: str
    source: dict[str, Any]
    seq_no: int
    primary_term: int = PRIMARY_TERM


@dataclass(frozen=True, slots=True)
class Term:
    """Matches documents whose keyword field equals any of `values`."""

    field: str
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Contains:
    """Matches documents where any of `fields` contains `text` (a `*text*` wildcard)."""

    fields: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Search:
    """A filtered, sorted page of one index. Missing values sort last in either direction."""

    terms: tuple[Term, ...] = ()
    contains: Contains | None = None
    sort: tuple[SortKey, ...] = ()
    offset: int = 0
    limit: int = 100


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    documents: list[StoredDocument] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UpdateResult:
    result: Literal["updated", "noop"]
    document: StoredDocument


Transform = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns a document's current source into its next one.

Pure: it may run more than once, and on a storage's own thread (SQLite's writer), so it reads
nothing but its argument and what it closes over, and changes nothing, not even its argument.
"""


def merge_partial(source: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Elasticsearch's partial-update merge: objects merge key by key, anything else replaces.

    Neither argument is modified; unchanged sub-objects are shared with `source`.
    """
    merged = dict(source)
    for key, value in patch.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = merge_partial(current, value)
        else:
            merged[key] = value
    return merged


def same_source(left: Mapping[str, Any], right: Mapping[str, Any]) -> bool:
    """Equality as JSON sees it: `true` is not `1`, and key order does not matter.

    Values are JSON's own types (what `orjson.loads` gives): documents that Python finds
    different are then different as JSON too, which settles the usual case without
    serialising. Python's equality is looser only where numbers meet (`True == 1 == 1.0`),
    so documents it finds equal are compared as JSON text.
    """
    if left != right:
        return False
    return bool(orjson.dumps(left, option=orjson.OPT_SORT_KEYS) == orjson.dumps(right, option=orjson.OPT_SORT_KEYS))


MAX_UPDATE_ATTEMPTS = 50


async def update_document(storage: Storage, index: IndexSchema, doc_id: str, transform: Transform) -> UpdateResult:
    """Apply `transform` to the document atomically: the entry point of every partial update.

    Raises `DocumentNotFound` when there is no such document, and whatever `transform` raises
    (then nothing is written). A transform that returns an equal document writes nothing and
    reports `noop`. How the update is made atomic is the storage's own (`Storage.update_document`).
    """
    return await storage.update_document(index, doc_id, transform)


async def compare_and_set_update(
    storage: Storage, index: IndexSchema, doc_id: str, transform: Transform
) -> UpdateResult:
    """`update_document` for any storage: a compare-and-set on `seq_no`, retried when another writer won."""
    for attempt in range(MAX_UPDATE_ATTEMPTS):
        current = await storage.get_document(index, doc_id)
        if current is None:
            raise DocumentNotFound(index.name, doc_id)
        new_source = transform(current.source)
        if same_source(current.source, new_source):
            return UpdateResult("noop", current)
        try:
            stored = await storage.index_document(
                index, doc_id, new_source, if_seq_no=current.seq_no, if_primary_term=current.primary_term
            )
        except VersionConflict as conflict:
            if attempt + 1 == MAX_UPDATE_ATTEMPTS:
                raise conflict
            if attempt >= 3:
                await asyncio.sleep(random.uniform(0, 0.002 * attempt))
            continue
        return UpdateResult("updated", stored)
    raise AssertionError("unreachable: the last attempt returns or raises")


def sort_documents(
    documents: Sequence[tuple[Mapping[str, Any], StoredDocument]], sort: Sequence[SortKey]
) -> list[StoredDocument]:
    """Sort (columns, document) pairs by `sort`, missing values last, then by id."""
    ordered = sorted(documents, key=lambda pair: pair[1].id)
    for key in reversed(sort):
        present = [pair for pair in ordered if pair[0].get(key.field) is not None]
        missing = [pair for pair in ordered if pair[0].get(key.field) is None]
        present.sort(key=lambda pair: pair[0][key.field], reverse=key.descending)
        ordered = present + missing
    return [pair[1] for pair in ordered]
