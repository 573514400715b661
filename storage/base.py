"""The storage interface: Elasticsearch's document API over the indices in `storage.indices`.

Implementations (memory, SQLite, SQLAlchemy) don't inherit from `Storage`; mypy and the
contract suite in `tests/storage/` check that they conform. Connector and sync-job operations
are built on these few calls in `app/services/`, and partial updates on `update_document`,
which each implementation makes atomic in its own way (the generic compare-and-set loop is
`storage.documents.compare_and_set_update`); the contract suite checks they all agree.

Documents handed in are never kept by reference, and documents handed out are the caller's.
"""

from __future__ import annotations

from typing import Any, Protocol

from storage.documents import Search, SearchPage, StoredDocument, Term, Transform, UpdateResult
from storage.indices import IndexSchema


class Storage(Protocol):
    url: str
    """The storage URL, with any password masked."""

    async def open(self) -> None:
        """Connect, and create the schema where the implementation owns it (memory, tests)."""

    async def close(self) -> None:
        """Release connections; pending acknowledged writes are already durable."""

    async def ping(self) -> None:
        """Return if the storage answers; raise `StorageUnavailable` if it does not."""

    async def get_document(self, index: IndexSchema, doc_id: str) -> StoredDocument | None:
        """The document, or None if there is none."""

    async def create_document(self, index: IndexSchema, doc_id: str, source: dict[str, Any]) -> StoredDocument:
        """Write a new document with `seq_no` 0; raise `DocumentExists` if the id is taken."""

    async def index_document(
        self,
        index: IndexSchema,
        doc_id: str,
        source: dict[str, Any],
        *,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
    ) -> StoredDocument:
        """Create or overwrite the document; an overwrite bumps `seq_no`.

        With `if_seq_no`/`if_primary_term`, write only if the stored document has exactly
        that version, else raise `VersionConflict` (also when there is no document).
        """

    async def update_document(self, index: IndexSchema, doc_id: str, transform: Transform) -> UpdateResult:
        """Replace the source with `transform(source)`, atomically even across processes.

        Nothing else writes the document between the read `transform` sees and the write of
        its result. Raise `DocumentNotFound` if there is no document, and whatever `transform`
        raises (nothing is written then). An equal result writes nothing: `noop`, with the
        stored document; otherwise `updated`, with the new source and `seq_no`. Services call
        it through `storage.documents.update_document`.
        """

    async def delete_document(self, index: IndexSchema, doc_id: str) -> bool:
        """Delete the document; False if there was none."""

    async def delete_by_query(self, index: IndexSchema, terms: tuple[Term, ...]) -> int:
        """Delete every document matching all `terms`; return how many were deleted."""

    async def search(self, index: IndexSchema, search: Search) -> SearchPage:
        """One page of the documents matching `search`, with the total number of matches."""

    async def clear(self) -> None:
        """Delete every document of every index (test mode only)."""
