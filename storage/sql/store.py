"""The SQLAlchemy store: PostgreSQL (asyncpg), MariaDB/MySQL (aiomysql) and SQLite (aiosqlite).

Async Core only, no ORM. One engine per store, created by `open()` and disposed by `close()`;
every operation checks a connection out of its pool and returns it, so no connection is
ever shared between tasks. The schema belongs to Alembic (`storage.migrations`).

Every operation is a single statement (a search is a COUNT and a SELECT), so the engine runs
in AUTOCOMMIT (`storage.sql.engine`), and atomicity comes from the statements themselves
(`storage.sql.statements`); a partial update is the generic compare-and-set loop over them
(`storage.documents.compare_and_set_update`). Losing the database surfaces as `StorageUnavailable`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import exc, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.documents import (
    PRIMARY_TERM,
    Search,
    SearchPage,
    StoredDocument,
    Term,
    Transform,
    UpdateResult,
    compare_and_set_update,
)
from storage.errors import (
    DocumentExists,
    InvalidStorageURL,
    InvalidValue,
    StorageError,
    StorageUnavailable,
    VersionConflict,
)
from storage.indices import ALL_INDICES, IndexSchema
from storage.sql.engine import create_engine, dialect_name
from storage.sql.search import order_by, where_clauses
from storage.sql.statements import TableStatements, build_statements
from storage.sql.tables import TABLES
from storage.sql.urls import is_sqlite, sqlalchemy_url, sqlite_path

_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError, OSError, TimeoutError)
_UNAVAILABLE_STATES = ("08", "53", "57P")
"""SQLSTATE classes: connection exception, insufficient resources, server shut down or starting."""


class SQLAlchemyStorage:
    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.url = parsed.render_as_string(hide_password=True) if parsed.password else url
        if is_sqlite(url) and sqlite_path(url) == ":memory:":
            # Alembic could never reach a database private to the store's own connections.
            raise InvalidStorageURL(f"storage URL [{self.url}] names no file; use memory:// for storage in memory")
        self._driver_url = sqlalchemy_url(url)
        self._engine: AsyncEngine | None = None
        self._statements: dict[str, TableStatements] = {}

    async def open(self) -> None:
        if is_sqlite(self._driver_url) and not Path(sqlite_path(self._driver_url)).is_file():
            # SQLite would create an empty file, without the schema Alembic gives it.
            raise StorageError(f"SQLite database [{self.url}] does not exist: run the migrations to create it")
        dialect = dialect_name(self._driver_url)
        self._engine = create_engine(self._driver_url)
        self._statements = {index.name: build_statements(index, TABLES[index.name], dialect) for index in ALL_INDICES}

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def ping(self) -> None:
        async with self._connect() as connection:
            await connection.exec_driver_sql("SELECT 1")

    async def get_document(self, index: IndexSchema, doc_id: str) -> StoredDocument | None:
        async with self._connect() as connection:
            result = await connection.execute(self._sql(index).get, {"b_id": doc_id})
            row = result.first()
        return None if row is None else StoredDocument(doc_id, orjson.loads(row.source), row.seq_no, row.primary_term)

    async def create_document(self, index: IndexSchema, doc_id: str, source: dict[str, Any]) -> StoredDocument:
        row = _row(index, source)
        try:
            async with self._connect() as connection:
                await connection.execute(self._sql(index).insert, _new(doc_id, row))
        except exc.IntegrityError:
            # Every column is given, so the one constraint an insert can break is the primary key.
            raise DocumentExists(index.name, doc_id) from None
        return _stored(doc_id, row, 0)

    async def index_document(
        self,
        index: IndexSchema,
        doc_id: str,
        source: dict[str, Any],
        *,
        if_seq_no: int | None = None,
        if_primary_term: int | None = None,
    ) -> StoredDocument:
        row = _row(index, source)
        if if_seq_no is None and if_primary_term is None:
            return _stored(doc_id, row, await self._upsert(index, _new(doc_id, row)))
        if if_seq_no is not None and if_primary_term is not None:
            params = {**row, "b_id": doc_id, "b_seq_no": if_seq_no, "b_primary_term": if_primary_term}
            async with self._connect() as connection:
                result = await connection.execute(self._sql(index).update_if_version, params)
            if result.rowcount == 1:
                return _stored(doc_id, row, if_seq_no + 1)
        raise await self._conflict(index, doc_id, if_seq_no, if_primary_term)

    async def update_document(self, index: IndexSchema, doc_id: str, transform: Transform) -> UpdateResult:
        return await compare_and_set_update(self, index, doc_id, transform)

    async def delete_document(self, index: IndexSchema, doc_id: str) -> bool:
        async with self._connect() as connection:
            result = await connection.execute(self._sql(index).delete, {"b_id": doc_id})
        return bool(result.rowcount)

    async def delete_by_query(self, index: IndexSchema, terms: tuple[Term, ...]) -> int:
        statements = self._sql(index)
        statement = statements.table.delete().where(*where_clauses(statements.table, index, terms, None, self._dialect))
        async with self._connect() as connection:
            result = await connection.execute(statement)
        return int(result.rowcount)

    async def search(self, index: IndexSchema, search: Search) -> SearchPage:
        table = self._sql(index).table
        where = where_clauses(table, index, search.terms, search.contains, self._dialect)
        async with self._connect() as connection:
            total = int(await connection.scalar(select(func.count()).select_from(table).where(*where)) or 0)
            if search.limit <= 0 or search.offset >= total:
                return SearchPage(total)
            page = (
                select(table.c.id, table.c.source, table.c.seq_no, table.c.primary_term)
                .where(*where)
                .order_by(*order_by(table, index, search.sort, self._dialect))
                .limit(search.limit)
                .offset(search.offset)
            )
            rows = (await connection.execute(page)).all()
        return SearchPage(total, [StoredDocument(r.id, orjson.loads(r.source), r.seq_no, r.primary_term) for r in rows])

    async def clear(self) -> None:
        async with self._connect() as connection:
            for table in TABLES.values():
                await connection.execute(table.delete())

    async def _upsert(self, index: IndexSchema, params: dict[str, Any]) -> int:
        """Write the row whether or not it exists; return its new `seq_no`."""
        async with self._connect() as connection:
            result = await connection.execute(self._sql(index).upsert, params)
            if result.returns_rows:
                return int(result.scalar_one())
        return 0 if result.rowcount == 1 else int(result.lastrowid)

    async def _conflict(
        self, index: IndexSchema, doc_id: str, if_seq_no: int | None, if_primary_term: int | None
    ) -> VersionConflict:
        async with self._connect() as connection:
            current = (await connection.execute(self._sql(index).version, {"b_id": doc_id})).first()
        return VersionConflict(
            index.name,
            doc_id,
            expected_seq_no=-2 if if_seq_no is None else if_seq_no,
            expected_primary_term=0 if if_primary_term is None else if_primary_term,
            current_seq_no=None if current is None else current.seq_no,
            current_primary_term=None if current is None else current.primary_term,
        )

    @property
    def _dialect(self) -> str:
        return self._require_engine().dialect.name

    def _sql(self, index: IndexSchema) -> TableStatements:
        return self._statements[index.name]

    def _require_engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError(f"storage [{self.url}] is not open")
        return self._engine

    @asynccontextmanager
    async def _connect(self) -> AsyncIterator[AsyncConnection]:
        engine = self._require_engine()
        try:
            async with engine.connect() as connection:
                yield connection
        except Exception as error:
            reason = getattr(error, "orig", None) or error
            if isinstance(error, _UNAVAILABLE) or getattr(error, "connection_invalidated", False):
                raise StorageUnavailable(f"storage [{self.url}] is unavailable: {reason}") from error
            if _sqlstate(error).startswith(_UNAVAILABLE_STATES):
                raise StorageUnavailable(f"storage [{self.url}] is unavailable: {reason}") from error
            if isinstance(error, exc.DataError) or _sqlstate(error).startswith("22"):
                raise InvalidValue(f"the storage cannot hold a value of this request: {reason}") from error
            raise


def _sqlstate(error: Exception) -> str:
    """The SQLSTATE of an asyncpg error, which SQLAlchemy wraps as a plain `DBAPIError` (a connection
    lost while it was being opened; a NUL character or an id over the column's length, class 22)."""
    driver_error = getattr(getattr(error, "orig", None), "driver_exception", None)
    return str(getattr(driver_error, "sqlstate", "") or "")


def _row(index: IndexSchema, source: dict[str, Any]) -> dict[str, Any]:
    """The values an overwrite sets: the JSON and the keyword columns."""
    return {"source": orjson.dumps(source).decode(), **index.columns(source)}


def _new(doc_id: str, row: dict[str, Any]) -> dict[str, Any]:
    return {"id": doc_id, **row, "seq_no": 0, "primary_term": PRIMARY_TERM}


def _stored(doc_id: str, row: dict[str, Any], seq_no: int) -> StoredDocument:
    return StoredDocument(doc_id, orjson.loads(row["source"]), seq_no, PRIMARY_TERM)
