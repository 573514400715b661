"""The embedded default storage: one SQLite file in WAL mode, through aiosqlite and sqlite3.

Two connections per process:

- Writes go through one writer (`storage.sqlite_writer`): a task fed by a queue groups the
  writes of concurrent requests into one `BEGIN IMMEDIATE ... COMMIT`, each operation in its
  own savepoint, and answers each caller only after the commit holding its write. With
  `synchronous=FULL` an acknowledged write survives a crash of the process or of the OS.
- Reads go through an aiosqlite connection in autocommit mode: WAL lets them run beside the
  writer, and each statement reads the latest commit, so a read issued after a write was
  acknowledged sees it.

Every write is a single statement whose condition is checked by SQLite itself (an upsert, or
`UPDATE ... WHERE seq_no = ?`), so compare-and-set stays atomic when several worker processes
share the file. A partial update (`update_document`) is one operation of the writer's batch:
its read, its transform and its write run on the writer thread inside the batch's
`BEGIN IMMEDIATE`, which no other connection of any process can write through, so it needs
one trip to that thread and never a retry. "database is locked" never escapes: it is waited
on, retried, and at worst reported as `StorageUnavailable`.

The schema belongs to the Alembic migrations (`connector-api migrate`); opening only checks,
with the driver, that they have run, so start-up never imports SQLAlchemy.
"""

from __future__ import annotations

import contextvars
import sqlite3
from pathlib import Path
from typing import Any

import aiosqlite
import orjson

from storage import sqlite_sql as sql
from storage.documents import Search, SearchPage, StoredDocument, Term, Transform, UpdateResult, same_source
from storage.errors import (
    DocumentExists,
    DocumentNotFound,
    InvalidStorageURL,
    StorageError,
    StorageUnavailable,
    VersionConflict,
)
from storage.indices import ALL_INDICES, IndexSchema
from storage.sql.urls import sqlite_path
from storage.sqlite_writer import SQLiteWriter, is_unavailable

MIGRATE_HINT = "run `connector-api migrate` to create or upgrade it"


def database_path(url: str) -> Path:
    """The file of `sqlite:///relative.db` or `sqlite:////absolute.db`, read as the migrations read it."""
    path = sqlite_path(url)
    if path == ":memory:":
        raise InvalidStorageURL(f"storage URL [{url}] names no file; an in-memory database would not be shared")
    return Path(path)


class SQLiteStorage:
    def __init__(self, url: str, *, busy_timeout: float = 1.0, write_attempts: int = 4, max_batch: int = 64) -> None:
        """`busy_timeout` (seconds) bounds each wait for another process's lock; after
        `write_attempts` such waits a write fails with `StorageUnavailable` (about 4 s by default)."""
        self.url = url
        self.path = database_path(url)
        self._busy_timeout = busy_timeout
        self._write_attempts = write_attempts
        self._max_batch = max_batch
        self._writer = self._new_writer()
        self._reader: aiosqlite.Connection | None = None

    def _new_writer(self) -> SQLiteWriter:
        return SQLiteWriter(self._connect_writer, max_batch=self._max_batch, attempts=self._write_attempts)

    # -- lifecycle --------------------------------------------------------------------

    def _uri(self) -> str:
        # mode=rw: a missing file is an error, not a new empty database.
        return self.path.absolute().as_uri() + "?mode=rw"

    def _connect_writer(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self._uri(), uri=True, timeout=self._busy_timeout, isolation_level=None)
        try:
            mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StorageError(f"SQLite database {self.path} cannot use WAL mode (journal mode is {mode})")
            connection.execute("PRAGMA synchronous = FULL")
        except BaseException:
            connection.close()
            raise
        return connection

    async def open(self) -> None:
        if not self.path.is_file():
            raise StorageError(f"SQLite database {self.path} does not exist: {MIGRATE_HINT}")
        try:
            self._reader = await aiosqlite.connect(
                self._uri(), uri=True, timeout=self._busy_timeout, isolation_level=None
            )
            await self._reader.execute("PRAGMA query_only = ON")
            await self._check_schema()
            self._writer = self._new_writer()
            await self._writer.start()
        except BaseException as error:
            await self._close_reader()
            if isinstance(error, sqlite3.Error):
                raise StorageError(f"cannot open SQLite database {self.path}: {error}") from error
            raise

    async def _check_schema(self) -> None:
        try:
            rows = await self._read("SELECT version_num FROM alembic_version LIMIT 1", ())
        except sqlite3.OperationalError as error:
            if "no such table" not in str(error):
                raise
            rows = []
        if not rows:
            raise StorageError(f"SQLite database {self.path} has no schema: {MIGRATE_HINT}")

    async def close(self) -> None:
        try:
            await self._writer.stop()
        finally:
            await self._close_reader()

    async def _close_reader(self) -> None:
        if self._reader is not None:
            reader, self._reader = self._reader, None
            await reader.close()

    async def ping(self) -> None:
        if not self._writer.running:
            raise StorageUnavailable("the SQLite storage is not open")
        try:
            await self._read("PRAGMA schema_version", ())  # reads the file's header, unlike SELECT 1
        except sqlite3.Error as error:
            raise StorageUnavailable(f"SQLite database unavailable: {error}") from error

    async def clear(self) -> None:
        def delete_all(connection: sqlite3.Connection) -> None:
            for index in ALL_INDICES:
                connection.execute(f"DELETE FROM {sql.quote(index.table)}")

        await self._writer.submit(delete_all)

    # -- reads ------------------------------------------------------------------------

    async def _read(self, statement: str, parameters: Any) -> list[Any]:
        if self._reader is None:
            raise StorageUnavailable("the SQLite storage is not open")
        try:
            return list(await self._reader.execute_fetchall(statement, parameters))
        except sqlite3.Error as error:
            if is_unavailable(error):
                raise StorageUnavailable(f"SQLite database unavailable: {error}") from error
            raise

    async def get_document(self, index: IndexSchema, doc_id: str) -> StoredDocument | None:
        rows = await self._read(sql.statements(index).get, (doc_id,))
        if not rows:
            return None
        seq_no, primary_term, source = rows[0]
        return StoredDocument(doc_id, orjson.loads(source), seq_no, primary_term)

    async def search(self, index: IndexSchema, search: Search) -> SearchPage:
        if search.limit > 0:
            rows = await self._read(*sql.search_page(index, search))
            if rows:
                documents = [StoredDocument(row[0], orjson.loads(row[3]), row[1], row[2]) for row in rows]
                return SearchPage(rows[0][4], documents)
            if search.offset == 0:
                return SearchPage(0, [])
        rows = await self._read(*sql.search_total(index, search))
        return SearchPage(rows[0][0], [])

    # -- writes -----------------------------------------------------------------------

    async def create_document(self, index: IndexSchema, doc_id: str, source: dict[str, Any]) -> StoredDocument:
        text, values = _row(index, source)
        statement = sql.statements(index).create

        def create(connection: sqlite3.Connection) -> None:
            if connection.execute(statement, (doc_id, text, *values)).rowcount == 0:
                raise DocumentExists(index.name, doc_id)

        await self._writer.submit(create, single_write=True)
        return StoredDocument(doc_id, orjson.loads(text), 0)

    async def index_document(
        self,
        index: IndexSchema,
        doc_id: str,
        source: dict[str, Any],
        *,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
    ) -> StoredDocument:
        text, values = _row(index, source)
        statements = sql.statements(index)

        def upsert(connection: sqlite3.Connection) -> int:
            seq_no: int = connection.execute(statements.upsert, (doc_id, text, *values)).fetchall()[0][0]
            return seq_no

        def update_if(connection: sqlite3.Connection) -> int:
            parameters = (text, *values, doc_id, if_seq_no, if_primary_term)
            rows = connection.execute(statements.update_if, parameters).fetchall()
            if rows:
                seq_no: int = rows[0][0]
                return seq_no
            current = connection.execute(statements.version, (doc_id,)).fetchall()
            raise VersionConflict(
                index.name,
                doc_id,
                expected_seq_no=-2 if if_seq_no is None else if_seq_no,
                expected_primary_term=0 if if_primary_term is None else if_primary_term,
                current_seq_no=current[0][0] if current else None,
                current_primary_term=current[0][1] if current else None,
            )

        conditional = if_seq_no is not None or if_primary_term is not None
        seq_no = await self._writer.submit(update_if if conditional else upsert, single_write=True)
        return StoredDocument(doc_id, orjson.loads(text), seq_no)

    async def update_document(self, index: IndexSchema, doc_id: str, transform: Transform) -> UpdateResult:
        statements = sql.statements(index)
        # The transform runs on the writer thread, in the caller's context (its log fields).
        context = contextvars.copy_context()

        def update(connection: sqlite3.Connection) -> UpdateResult:
            row = connection.execute(statements.get_with_columns, (doc_id,)).fetchone()
            if row is None:
                raise DocumentNotFound(index.name, doc_id)
            seq_no, primary_term, stored, *stored_columns = row
            current = orjson.loads(stored)
            new_source = context.run(transform, current)
            if same_source(current, new_source):
                return UpdateResult("noop", StoredDocument(doc_id, current, seq_no, primary_term))
            text, columns = _row(index, new_source)
            names, values = _changed_columns(index, stored_columns, columns)
            connection.execute(sql.update(index, names), (text, *values, doc_id))
            return UpdateResult("updated", StoredDocument(doc_id, new_source, seq_no + 1, primary_term))

        return await self._writer.submit(update, single_write=True)

    async def delete_document(self, index: IndexSchema, doc_id: str) -> bool:
        statement = sql.statements(index).delete

        def delete(connection: sqlite3.Connection) -> bool:
            return connection.execute(statement, (doc_id,)).rowcount > 0

        return await self._writer.submit(delete, single_write=True)

    async def delete_by_query(self, index: IndexSchema, terms: tuple[Term, ...]) -> int:
        statement, parameters = sql.delete_matching(index, terms)

        def delete(connection: sqlite3.Connection) -> int:
            return connection.execute(statement, parameters).rowcount

        return await self._writer.submit(delete, single_write=True)


def _row(index: IndexSchema, source: dict[str, Any]) -> tuple[str, list[Any]]:
    """The stored JSON text and the keyword column values, in `index.fields` order."""
    columns = index.columns(source)
    return orjson.dumps(source).decode(), [columns[field.name] for field in index.fields]


def _changed_columns(index: IndexSchema, stored: list[Any], new: list[Any]) -> tuple[tuple[str, ...], list[Any]]:
    """The keyword columns whose stored value `new` changes, and their new values."""
    changed = [(field.name, value) for field, old, value in zip(index.fields, stored, new, strict=True) if old != value]
    return tuple(name for name, _ in changed), [value for _, value in changed]
