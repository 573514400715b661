"""In-process storage: documents kept as JSON bytes in dicts.

A shipped implementation (embedding, tests, `memory://`), not a fake: it passes the same
contract suite as the SQL ones. Keeping serialised bytes means callers can never alias a
stored document, and values round-trip exactly as they do through a database. Every method
runs without awaiting, so each is atomic on the event loop: `update_document` reads,
transforms and writes in one step, with no compare-and-set to retry. It is not shared between
worker processes: `serve --workers N` refuses it for N > 1.
"""

from __future__ import annotations

import fnmatch
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
    sort_documents,
)
from storage.errors import DocumentExists, DocumentNotFound, VersionConflict
from storage.indices import IndexSchema


class _Record:
    __slots__ = ("columns", "data", "seq_no")

    def __init__(self, data: bytes, seq_no: int, columns: dict[str, Any]) -> None:
        self.data = data
        self.seq_no = seq_no
        self.columns = columns


class MemoryStorage:
    def __init__(self, url: str = "memory://") -> None:
        self.url = url
        self._indices: dict[str, dict[str, _Record]] = {}

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def ping(self) -> None:
        return None

    def _records(self, index: IndexSchema) -> dict[str, _Record]:
        return self._indices.setdefault(index.name, {})

    @staticmethod
    def _document(doc_id: str, record: _Record) -> StoredDocument:
        return StoredDocument(doc_id, orjson.loads(record.data), record.seq_no, PRIMARY_TERM)

    def _write(self, index: IndexSchema, doc_id: str, source: dict[str, Any], seq_no: int) -> StoredDocument:
        data = _serialised(source)
        self._records(index)[doc_id] = _Record(data, seq_no, index.columns(source))
        return StoredDocument(doc_id, orjson.loads(data), seq_no, PRIMARY_TERM)

    async def get_document(self, index: IndexSchema, doc_id: str) -> StoredDocument | None:
        record = self._records(index).get(doc_id)
        return None if record is None else self._document(doc_id, record)

    async def create_document(self, index: IndexSchema, doc_id: str, source: dict[str, Any]) -> StoredDocument:
        if doc_id in self._records(index):
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
        record = self._records(index).get(doc_id)
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
        records = self._records(index)
        record = records.get(doc_id)
        if record is None:
            raise DocumentNotFound(index.name, doc_id)
        current = orjson.loads(record.data)
        new_source = transform(current)
        if same_source(current, new_source):
            return UpdateResult("noop", StoredDocument(doc_id, current, record.seq_no, PRIMARY_TERM))
        seq_no = record.seq_no + 1
        records[doc_id] = _Record(_serialised(new_source), seq_no, index.columns(new_source))
        # The store keeps only the bytes, so the transform's own result can go back to the caller.
        return UpdateResult("updated", StoredDocument(doc_id, new_source, seq_no, PRIMARY_TERM))

    async def delete_document(self, index: IndexSchema, doc_id: str) -> bool:
        return self._records(index).pop(doc_id, None) is not None

    async def delete_by_query(self, index: IndexSchema, terms: tuple[Term, ...]) -> int:
        records = self._records(index)
        doomed = [doc_id for doc_id, record in records.items() if _matches(record.columns, terms, None)]
        for doc_id in doomed:
            del records[doc_id]
        return len(doomed)

    async def search(self, index: IndexSchema, search: Search) -> SearchPage:
        matches = [
            (record.columns, StoredDocument(doc_id, {}, record.seq_no))
            for doc_id, record in self._records(index).items()
            if _matches(record.columns, search.terms, search.contains)
        ]
        ordered = sort_documents(matches, search.sort)
        page = ordered[search.offset : search.offset + search.limit]
        records = self._records(index)
        return SearchPage(len(matches), [self._document(doc.id, records[doc.id]) for doc in page])

    async def clear(self) -> None:
        self._indices.clear()


def _serialised(source: dict[str, Any]) -> bytes:
    # orjson's bytes keep the whole buffer it wrote into, several KiB for a ~2 KiB connector:
    # an exact-size copy halves the memory of a store of thousands of documents.
    return bytes(memoryview(orjson.dumps(source)))


def _matches(columns: dict[str, Any], terms: tuple[Term, ...], contains: Any) -> bool:
    for term in terms:
        if columns.get(term.field) not in term.values:
            return False
    if contains is not None:
        pattern = "*" + _escape_glob(contains.text) + "*"
        return any(
            isinstance(columns.get(name), str) and fnmatch.fnmatchcase(columns[name], pattern)
            for name in contains.fields
        )
    return True


def _escape_glob(text: str) -> str:
    """Keep `*` and `?` as wildcards, as Elasticsearch's wildcard query does; `[` is literal there."""
    return "".join(f"[{char}]" if char in "[]" else char for char in text)
