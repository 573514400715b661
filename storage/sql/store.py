"""The SQLAlchemy store: PostgreSQL (asyncpg), MariaDB/MySQL (aiomysql) and SQLite (aiosqlite).

Async Core only, no ORM. One engine per store, created by `open()` and disposed by `close()`;
every operation checks a connection out of its pool and returns it, so no connection is
ever shared between tasks. The schema belongs to Alembic (`storage.migrations`).

Every write is a single statement, so the engine runs in AUTOCOMMIT (`storage.sql.engine`),
and atomicity comes from the statements themselves (`storage.sql.statements`); a partial
update is the generic compare-and-set loop over them (`storage.documents.compare_and_set_update`).
A search reads its total (kept by the database for the common lists, else counted), then its
page (on MariaDB, missing values last, maybe in two parts: `storage.sql.search`). Losing the
database surfaces as `StorageUnavailable`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import ColumnElement, Row, Table, exc, func, select
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
from storage.sql.search import missing_last_split, order_by, where_clauses
from storage.sql.statements import TableStatements, build_statements
from storage.sql.tables import TABLES
from storage.sql.urls import is_sqlite, sqlalchemy_url, sqlite_path

PageRow = Row[str, str, int, int]
"""id, source, seq_no, primary_term."""

_UNAVAILABLE = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError, OSError, TimeoutError)
_UNAVAILABLE_STATES = ("08", "53", "57P")
"""SQLSTATE classes: connection exception, insufficient resources, server shut down or starting."""
DEADLOCK_ATTEMPTS = 5
DEADLOCK_BACKOFF_S = 0.002
_MARIADB_DEADLOCK = 1213
_DEADLOCK_STATES = ("40001", "40P01")
T = TypeVar("T")


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
            await self._write(lambda connection: connection.execute(self._sql(index).insert, _new(doc_id, row)))
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
            statement = self._sql(index).update_if_version
            result = await self._write(lambda connection: connection.execute(statement, params))
            if result.rowcount == 1:
                return _stored(doc_id, row, if_seq_no + 1)
        raise await self._conflict(index, doc_id, if_seq_no, if_primary_term)

    async def update_document(self, index: IndexSchema, doc_id: str, transform: Transform) -> UpdateResult:
        return await compare_and_set_update(self, index, doc_id, transform)

    async def delete_document(self, index: IndexSchema, doc_id: str) -> bool:
        statement = self._sql(index).delete
        result = await self._write(lambda connection: connection.execute(statement, {"b_id": doc_id}))
        return bool(result.rowcount)

    async def delete_by_query(self, index: IndexSchema, terms: tuple[Term, ...]) -> int:
        statements = self._sql(index)
        statement = statements.table.delete().where(*where_clauses(statements.table, index, terms, None, self._dialect))
        result = await self._write(lambda connection: connection.execute(statement))
        return int(result.rowcount)

    async def search(self, index: IndexSchema, search: Search) -> SearchPage:
        table = self._sql(index).table
        where = where_clauses(table, index, search.terms, search.contains, self._dialect)
        async with self._connect() as connection:
            total = await self._total(connection, index, search, where)
            if search.limit <= 0 or search.offset >= total:
                return SearchPage(total)
            rows = await self._page(connection, index, search, where)
        return SearchPage(total, [StoredDocument(r.id, orjson.loads(r.source), r.seq_no, r.primary_term) for r in rows])

    async def _total(
        self, connection: AsyncConnection, index: IndexSchema, search: Search, where: list[ColumnElement[bool]]
    ) -> int:
        column = index.counts_column(search)
        if column is None:
            return await _count(connection, self._sql(index).table, where)
        return int((await connection.execute(self._sql(index).counts[column])).scalar_one())

    async def _page(
        self, connection: AsyncConnection, index: IndexSchema, search: Search, where: list[ColumnElement[bool]]
    ) -> Sequence[PageRow]:
        table = self._sql(index).table
        split = missing_last_split(table, index, search, self._dialect)
        if split is None:
            order = order_by(table, index, search.sort, self._dialect)
            return await _rows(connection, table, where, order, search.limit, search.offset)
        rest = order_by(table, index, search.sort[1:], self._dialect)
        with_value = [*where, split.column.is_not(None)]
        present = await _rows(
            connection, table, with_value, [split.column.asc(), *rest], search.limit, search.offset, split.present_hint
        )
        if len(present) == search.limit:
            return present
        # The rows without a value follow those with one: from their start if this page holds
        # some of the latter, else as far in as the offset goes past the number of the latter.
        skipped = 0
        if not present and search.offset > 0:
            skipped = max(0, search.offset - await _count(connection, table, with_value))
        without_value = [*where, split.column.is_(None)]
        limit = search.limit - len(present)
        missing = await _rows(connection, table, without_value, rest, limit, skipped, split.missing_hint)
        return [*present, *missing]

    async def clear(self) -> None:
        async with self._connect() as connection:
            for table in TABLES.values():
                await connection.execute(table.delete())

    async def _upsert(self, index: IndexSchema, params: dict[str, Any]) -> int:
        """Write the row whether or not it exists; return its new `seq_no`."""
        return await self._write(lambda connection: self._upsert_on(connection, index, params))

    async def _upsert_on(self, connection: AsyncConnection, index: IndexSchema, params: dict[str, Any]) -> int:
        result = await connection.execute(self._sql(index).upsert, params)
        if result.returns_rows:
            return int(result.scalar_one())
        if result.rowcount == 1:
            return 0
        if result.lastrowid:
            return int(result.lastrowid)
        # MariaDB's reply carries no LAST_INSERT_ID when a trigger ran a statement (the counts').
        return int(await connection.scalar(select(func.last_insert_id())) or 0)

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

    async def _write(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """One write statement on its own connection, run again if the database rolled it back whole
        as a deadlock victim (MariaDB picks one when concurrent upserts meet on index gaps)."""
        for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
            try:
                async with self._connect() as connection:
                    return await work(connection)
            except StorageUnavailable as error:
                if attempt == DEADLOCK_ATTEMPTS or not _is_deadlock(error.__cause__):
                    raise
            await asyncio.sleep(random.uniform(0, DEADLOCK_BACKOFF_S * attempt))
        raise AssertionError("unreachable: the last attempt returns or raises")

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


async def _count(connection: AsyncConnection, table: Table, where: list[ColumnElement[bool]]) -> int:
    return int(await connection.scalar(select(func.count()).select_from(table).where(*where)) or 0)


async def _rows(
    connection: AsyncConnection,
    table: Table,
    where: list[ColumnElement[bool]],
    order: list[Any],
    limit: int,
    offset: int,
    hint: str | None = None,
) -> Sequence[PageRow]:
    page = (
        select(table.c.id, table.c.source, table.c.seq_no, table.c.primary_term)
        .where(*where)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    if hint is not None:
        page = page.with_hint(table, hint, connection.dialect.name)
    return (await connection.execute(page)).all()


def _is_deadlock(error: BaseException | None) -> bool:
    driver_error = getattr(error, "orig", None)
    code = getattr(driver_error, "args", (None,))[:1]
    return code == (_MARIADB_DEADLOCK,) or (isinstance(error, Exception) and _sqlstate(error) in _DEADLOCK_STATES)


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
