"""Errors the storage layer raises. They know nothing of HTTP; `app/errors.py` maps them."""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every error raised by a storage implementation."""


class DocumentNotFound(StorageError):
    def __init__(self, index: str, doc_id: str) -> None:
        super().__init__(f"[{doc_id}]: document missing in [{index}]")
        self.index = index
        self.doc_id = doc_id


class DocumentExists(StorageError):
    def __init__(self, index: str, doc_id: str) -> None:
        super().__init__(f"[{doc_id}]: document already exists in [{index}]")
        self.index = index
        self.doc_id = doc_id


class VersionConflict(StorageError):
    """A conditional write (`if_seq_no`/`if_primary_term`) found another version, or no document."""

    def __init__(
        self,
        index: str,
        doc_id: str,
        *,
        expected_seq_no: int,
        expected_primary_term: int,
        current_seq_no: int | None,
        current_primary_term: int | None,
    ) -> None:
        if current_seq_no is None:
            found = "no document was found"
        else:
            found = f"current document has seqNo [{current_seq_no}] and primary term [{current_primary_term}]"
        super().__init__(
            f"[{doc_id}]: version conflict, required seqNo [{expected_seq_no}], "
            f"primary term [{expected_primary_term}]. {found}"
        )
        self.index = index
        self.doc_id = doc_id


class StorageUnavailable(StorageError):
    """The database cannot be reached or refused the operation for a transient reason."""


class InvalidValue(StorageError):
    """The database cannot hold a value it was given (PostgreSQL text has no NUL character)."""


class InvalidStorageURL(StorageError):
    """The storage URL names no implementation, or is malformed."""
