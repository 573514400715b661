"""In-process storage: documents kept as JSON bytes in dicts.

A shipped implementation (embedding, tests, `memory://`), not a fake: it passes the same
contract suite as the SQL ones. Keeping serialised bytes means callers can never alias a
stored document, and values round-trip exactly as they do through a database. Every method
runs without awaiting, so each is atomic on the event loop: `update_document` reads,
transforms and writes in one step, with no compare-and-set to retry. It is not shared between
worker processes: `serve --workers N` refuses it for N > 1. Keyword columns live in a
`ColumnIndex` (`storage.memory_index`), so term filters and list pages need not scan the whole store.
"""

from __future__ import annotations

from typing import Any

import orjson

from storage.documents import (
    PRIMARY_TERM,
    Search,
    SearchPage,
    StoredDocument,
    Term,
    Transform,
    UpdateResult,
    same_source,
)
from storage.errors import DocumentExists, DocumentNotFound, VersionConflict
from storage.indices import IndexSchema
from storage.memory_index import ColumnIndex


class _Record:
    __slots__ = ("data", "seq_no")

    def __init__(self, data: bytes, seq_no: int) -> None:
        self.data = data
        self.seq_no = seq_no


class _Table:
    """One index's documents, and their keyword columns indexed for search."""

    __slots__ = ("columns", "records")

    def __init__(self) -> None:
        self.records: dict[str, _Record] = {}
        self.columns = ColumnIndex()


class MemoryStorage:
    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._tables: dict[str, _Table] = {}

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def ping(self) -> None:
        return None

    def _table(self, index: IndexSchema) -> _Table:
        table = self._tables.get(index.name)
        if table is None:
            table = self._tables[index.name] = _Table()
        return table

    @staticmethod
    def _document(doc_id: str, record: _Record) -> StoredDocument:
        return StoredDocument(doc_id, orjson.loads(record.data), record.seq_no, PRIMARY_TERM)

    def _write(self, index: IndexSchema, doc_id: str, source: dict[str, Any], seq_no: int) -> StoredDocument:
        table = self._table(index)
        data = _serialised(source)
        known = doc_id in table.records
        table.records[doc_id] = _Record(data, seq_no)
        if known:
            table.columns.replace(doc_id, index.columns(source))
        else:
            table.columns.add(doc_id, index.columns(source))
        return StoredDocument(doc_id, orjson.loads(data), seq_no, PRIMARY_TERM)

    async def get_document(self, index: IndexSchema, doc_id: str) -> StoredDocument | None:
        record = self._table(index).records.get(doc_id)
        return None if record is None else self._document(doc_id, record)

    async def create_document(self, index: IndexSchema, doc_id: str, source: dict[str, Any]) -> StoredDocument:
        if doc_id in self._table(index).records:
            raise DocumentExists(index.name, doc_id)
        return self._write(index, doc_id, source, 0)

    async def index_document(
        self,
        index: IndexSchema,
        doc_id: str,
        source: dict[str, Any],
        *,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
    ) -> StoredDocument:
        record = self._table(index).records.get(doc_id)
        if if_seq_no is not None or if_primary_term is not None:
            if record is None or record.seq_no != if_seq_no or if_primary_term != PRIMARY_TERM:
                raise VersionConflict(
                    index.name,
                    doc_id,
                    expected_seq_no=-2 if if_seq_no is None else if_seq_no,
                    expected_primary_term=0 if if_primary_term is None else if_primary_term,
                    current_seq_no=None if record is None else record.seq_no,
                    current_primary_term=None if record is None else PRIMARY_TERM,
                )
        seq_no = 0 if record is None else record.seq_no + 1
        return self._write(index, doc_id, source, seq_no)

    async def update_document(self, index: IndexSchema, doc_id: str, transform: Transform) -> UpdateResult:
        table = self._table(index)
        record = table.records.get(doc_id)
        if record is None:
            raise DocumentNotFound(index.name, doc_id)
        current = orjson.loads(record.data)
        new_source = transform(current)
        if same_source(current, new_source):
            return UpdateResult("noop", StoredDocument(doc_id, current, record.seq_no, PRIMARY_TERM))
        record.data = _serialised(new_source)
        record.seq_no += 1
        table.columns.replace(doc_id, index.columns(new_source))
        # The store keeps only the bytes, so the transform's own result can go back to the caller.
        return UpdateResult("updated", StoredDocument(doc_id, new_source, record.seq_no, PRIMARY_TERM))

    async def delete_document(self, index: IndexSchema, doc_id: str) -> bool:
        table = self._table(index)
        if table.records.pop(doc_id, None) is None:
            return False
        table.columns.remove(doc_id)
        return True

    async def delete_by_query(self, index: IndexSchema, terms: tuple[Term, ...]) -> int:
        table = self._table(index)
        doomed = list(table.columns.matching_ids(terms))
        for doc_id in doomed:
            del table.records[doc_id]
            table.columns.remove(doc_id)
        return len(doomed)

    async def search(self, index: IndexSchema, search: Search) -> SearchPage:
        table = self._table(index)
        total, page = table.columns.page(search)
        return SearchPage(total, [self._document(doc_id, table.records[doc_id]) for doc_id in page])

    async def clear(self) -> None:
        self._tables.clear()


def _serialised(source: dict[str, Any]) -> bytes:
    # orjson's bytes keep the whole buffer it wrote into, several KiB for a ~2 KiB connector:
    # an exact-size copy halves the memory of a store of thousands of documents.
    return bytes(memoryview(orjson.dumps(source)))
