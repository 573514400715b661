"""The one SQLAlchemy Core `MetaData`: Alembic's `target_metadata` and the schema of both SQL stores.

One table per index in `storage.indices`: the document as JSON text, its `seq_no` and
`primary_term`, and one column per keyword field. Identifiers and keywords compare
and sort by code point on every database, as in Elasticsearch (MariaDB's default collation
folds case; PostgreSQL's locale collations skip punctuation when sorting).

The lists' indexes hold their rows in the order of the page queries (`storage.sql.search`),
so that a page reads its rows off an index and stops: connectors by `index_name` then `id`,
sync jobs newest first. `document_counts` holds the totals of the counted indices, kept by
triggers (created in the migrations, which SQLAlchemy's metadata does not describe).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, ColumnElement, Index, MetaData, String, Table, Text
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeEngine

from storage.indices import API_KEYS, CONNECTORS, SECRETS, SYNC_JOBS, IndexSchema, KeywordField

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID_LENGTH = 512
"""Elasticsearch's limit on a document id is 512 bytes."""

KEYWORD_PREFIX = 255
"""MariaDB can only index a prefix of a TEXT column; this many characters of it."""

INDEX_NAME_LENGTH = 255
"""An Elasticsearch index name has at most 255 bytes (`app.domain.index_names` rejects longer
ones), so MariaDB keeps `index_name` in a VARCHAR, which it indexes whole and can sort by."""

TABLE_NAME_LENGTH = 64


def _binary_text(length: int | None = None) -> TypeEngine[str]:
    """Text that sorts and compares by code point, as Elasticsearch keywords do."""
    if length is None:
        return (
            Text()
            .with_variant(postgresql.TEXT(collation="C"), "postgresql")
            .with_variant(mysql.LONGTEXT(collation="utf8mb4_bin"), "mysql", "mariadb")
        )
    return (
        String(length)
        .with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")
        .with_variant(mysql.VARCHAR(length, collation="utf8mb4_bin"), "mysql", "mariadb")
    )


def _bounded_text(mariadb_length: int) -> TypeEngine[str]:
    """Text of a bounded length: a VARCHAR on MariaDB, which indexes it whole (and can sort by
    the index), unlike a TEXT column; unbounded text elsewhere, which is as fast there."""
    return (
        Text()
        .with_variant(postgresql.TEXT(collation="C"), "postgresql")
        .with_variant(mysql.VARCHAR(mariadb_length, collation="utf8mb4_bin"), "mysql", "mariadb")
    )


def _column(field: KeywordField, mariadb_length: int | None) -> Column[object]:
    if field.kind == "boolean":
        return Column(field.name, Boolean, nullable=False, default=False)
    if field.kind == "timestamp":
        return Column(field.name, BigInteger, nullable=True)
    kind = _binary_text() if mariadb_length is None else _bounded_text(mariadb_length)
    return Column(field.name, kind, nullable=True)


class DescendingMissingLast(ColumnElement[Any]):
    """An index column in descending order with NULLs after every value, as searches sort.

    PostgreSQL must be told `NULLS LAST`; MariaDB and SQLite have NULL below every value,
    so plain `DESC` puts it last (and they accept no `NULLS LAST` in an index).
    """

    __visit_name__ = "descending_missing_last"
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Column[Any]) -> None:
        self.column = column
        self.name = column.name  # MariaDB's DDL looks prefix lengths up by column name


@compiles(DescendingMissingLast)
def _descending(element: DescendingMissingLast, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} DESC"


@compiles(DescendingMissingLast, "postgresql")
def _descending_nulls_last(element: DescendingMissingLast, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} DESC NULLS LAST"


def _table(index: IndexSchema, *indexed: str, mariadb_lengths: Mapping[str, int] | None = None) -> Table:
    """The index's table, with a one-column index on each of `indexed`."""
    lengths = mariadb_lengths or {}
    table = Table(
        index.table,
        metadata,
        Column("id", _binary_text(ID_LENGTH), primary_key=True),
        Column("seq_no", BigInteger, nullable=False),
        Column("primary_term", BigInteger, nullable=False),
        Column("source", _binary_text(), nullable=False),
        *(_column(field, lengths.get(field.name)) for field in index.fields),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_bin",
    )
    for name in indexed:
        column = table.c[name]
        if isinstance(column.type, BigInteger | Boolean):
            Index(None, column)
        else:
            Index(None, column, mysql_length=KEYWORD_PREFIX)
    return table


connectors = _table(CONNECTORS, "name", "service_type", mariadb_lengths={"index_name": INDEX_NAME_LENGTH})
Index(None, connectors.c.deleted, connectors.c.index_name, connectors.c.id)
Index(None, connectors.c.index_name, connectors.c.id)

sync_jobs = _table(SYNC_JOBS, "status", "job_type")
Index(
    "ix_connector_sync_jobs_connector_id_created_at",
    sync_jobs.c.connector_id,
    DescendingMissingLast(sync_jobs.c.created_at),
    mysql_length={"connector_id": KEYWORD_PREFIX},
)
Index("ix_connector_sync_jobs_created_at", DescendingMissingLast(sync_jobs.c.created_at))

secrets = _table(SECRETS)
api_keys = _table(API_KEYS, "name", "username", "invalidated")

document_counts = Table(
    "document_counts",
    metadata,
    Column("table_name", _binary_text(TABLE_NAME_LENGTH), primary_key=True),
    Column("documents", BigInteger, nullable=False),
    Column("term_matches", BigInteger, nullable=False),
    mysql_charset="utf8mb4",
    mysql_collate="utf8mb4_bin",
)
"""The totals of each counted index (`IndexSchema.counted`): all its documents, and those
matching its `counted_term`. One row per table, kept by triggers of the table."""

TABLES: dict[str, Table] = {
    CONNECTORS.name: connectors,
    SYNC_JOBS.name: sync_jobs,
    SECRETS.name: secrets,
    API_KEYS.name: api_keys,
}
