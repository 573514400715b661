"""Connector operations: existence, defaults, ids, index-name rules; storage does the rest.

Every partial update goes through `update_connector`, which applies a pure transform with a
compare-and-set on `seq_no` (`storage.documents.update_document`), so concurrent writers on
any backend and any number of processes never lose each other's changes.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.dates import now
from app.domain.connectors import new_connector
from app.domain.index_names import NATIVE_CONNECTOR_INDEX_PREFIX, index_name_problem
from app.errors import ActionRequestValidation, IllegalArgument, ResourceNotFound, StatusError
from storage import Storage
from storage.documents import (
    Contains,
    Search,
    SortKey,
    StoredDocument,
    Term,
    UpdateResult,
    merge_partial,
    update_document,
)
from storage.errors import DocumentExists, DocumentNotFound
from storage.indices import CONNECTORS, SYNC_JOBS

LIST_SEARCH_FIELDS = ("index_name", "name", "description")
MAX_ID_BYTES = 512


def generate_id() -> str:
    """A 20-character URL-safe id, the shape of Elasticsearch's auto-generated ids."""
    return base64.urlsafe_b64encode(secrets.token_bytes(15)).decode()


def not_found(connector_id: str) -> ResourceNotFound:
    return ResourceNotFound(f"connector [{connector_id}] not found")


def require_connector_id(connector_id: str, *, missing: str = '[connector_id] cannot be [null] or [""].') -> None:
    """Validation of the path id: an empty one (`/_connector//_name`) is a 400, as in ES."""
    if not connector_id:
        raise ActionRequestValidation(missing)


def as_response(document: StoredDocument) -> dict[str, Any]:
    return {"id": document.id, **document.source}


def check_page(offset: int, size: int) -> None:
    """`PageParams` validation, shared by the connector and sync-job lists."""
    if offset < 0:
        raise IllegalArgument("Parameter [from] cannot be < 0")
    if size < 0:
        raise IllegalArgument("Parameter [size] cannot be < 0")


@dataclass(frozen=True, slots=True)
class ListParameters:
    offset: int = 0
    size: int = 100
    index_names: tuple[str, ...] = ()
    connector_names: tuple[str, ...] = ()
    service_types: tuple[str, ...] = ()
    query: str | None = None
    include_deleted: bool = False


def id_too_long(doc_id: str) -> str | None:
    """Elasticsearch's validation message for a document id over 512 bytes, else None."""
    size = len(doc_id.encode())
    if size <= MAX_ID_BYTES:
        return None
    return f"id [{doc_id}] is too long, must be no longer than {MAX_ID_BYTES} bytes but was: {size}"


def validate_create(connector_id: str | None, fields: dict[str, Any]) -> None:
    messages = []
    too_long = None if connector_id is None else id_too_long(connector_id)
    if too_long is not None:
        messages.append(too_long)
    index_name = fields.get("index_name")
    if index_name is not None:
        problem = index_name_problem(index_name)
        if problem is not None:
            messages.append(problem)
        if fields.get("is_native") and not index_name.startswith(NATIVE_CONNECTOR_INDEX_PREFIX):
            messages.append(
                f"Index [{index_name}] is invalid. Index attached to an Elastic-managed connector must start "
                f"with the prefix: [{NATIVE_CONNECTOR_INDEX_PREFIX}]"
            )
    if messages:
        raise ActionRequestValidation(*messages)


async def ensure_index_name_free(storage: Storage, index_name: str, connector_id: str | None) -> None:
    """400 if another live connector already uses `index_name` (Elasticsearch checks this too)."""
    search = Search(terms=(Term("index_name", (index_name,)), Term("deleted", (False,))), limit=2)
    page = await storage.search(CONNECTORS, search)
    if any(document.id != connector_id for document in page.documents):
        raise StatusError(f"Index name [{index_name}] is used by another connector.")


async def create_connector(
    storage: Storage, connector_id: str | None, fields: dict[str, Any], *, overwrite: bool = True
) -> tuple[str, bool]:
    """Create, or wholly overwrite, a connector; return its id and whether it is new.

    With `overwrite=False` an existing connector is kept as it is (atomically: one create).
    """
    validate_create(connector_id, fields)
    if fields.get("index_name") is not None:
        await ensure_index_name_free(storage, fields["index_name"], connector_id)
    if connector_id is None:
        connector_id = generate_id()
    if not overwrite:
        try:
            await storage.create_document(CONNECTORS, connector_id, new_connector(fields, now()))
        except DocumentExists:
            return connector_id, False
        return connector_id, True
    stored = await storage.index_document(CONNECTORS, connector_id, new_connector(fields, now()))
    return connector_id, stored.seq_no == 0


async def get_connector(storage: Storage, connector_id: str, *, include_deleted: bool = False) -> StoredDocument:
    document = await storage.get_document(CONNECTORS, connector_id)
    if document is None or (document.source.get("deleted") is True and not include_deleted):
        raise not_found(connector_id)
    return document


async def list_connectors(storage: Storage, parameters: ListParameters) -> tuple[int, list[StoredDocument]]:
    check_page(parameters.offset, parameters.size)
    problems = [problem for name in parameters.index_names if (problem := index_name_problem(name))]
    if problems:
        raise ActionRequestValidation(*problems)
    terms = []
    if parameters.index_names:
        terms.append(Term("index_name", parameters.index_names))
    if parameters.connector_names:
        terms.append(Term("name", parameters.connector_names))
    if parameters.service_types:
        terms.append(Term("service_type", parameters.service_types))
    if not parameters.include_deleted:
        terms.append(Term("deleted", (False,)))
    search = Search(
        terms=tuple(terms),
        contains=Contains(LIST_SEARCH_FIELDS, parameters.query) if parameters.query else None,
        sort=(SortKey("index_name"),),
        offset=parameters.offset,
        limit=parameters.size,
    )
    page = await storage.search(CONNECTORS, search)
    return page.total, page.documents


async def delete_connector(storage: Storage, connector_id: str, *, hard: bool, delete_sync_jobs: bool) -> None:
    if hard:
        if not await storage.delete_document(CONNECTORS, connector_id):
            raise not_found(connector_id)
    else:
        await update_connector(storage, connector_id, live(connector_id, lambda source: {**source, "deleted": True}))
    if delete_sync_jobs:
        await storage.delete_by_query(SYNC_JOBS, (Term("connector_id", (connector_id,)),))


async def update_connector(
    storage: Storage, connector_id: str, transform: Callable[[dict[str, Any]], dict[str, Any]]
) -> UpdateResult:
    """Apply `transform` to the stored connector atomically; 404 if there is none.

    The transform sees the current document and may raise (e.g. a state-machine error);
    it may run more than once when another writer gets in between.
    """
    try:
        return await update_document(storage, CONNECTORS, connector_id, transform)
    except DocumentNotFound:
        raise not_found(connector_id) from None


def live(
    connector_id: str, transform: Callable[[dict[str, Any]], dict[str, Any]]
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """`transform`, but 404 on a soft-deleted connector (for endpoints that check existence)."""

    def checked(source: dict[str, Any]) -> dict[str, Any]:
        if source.get("deleted") is True:
            raise not_found(connector_id)
        return transform(source)

    return checked


async def update_last_sync(storage: Storage, connector_id: str, stats: dict[str, Any]) -> UpdateResult:
    """Merge the non-null last-sync stats into the connector (nulls leave a field unchanged)."""
    patch = {key: value for key, value in stats.items() if value is not None}
    return await update_connector(storage, connector_id, lambda source: merge_partial(source, patch))
