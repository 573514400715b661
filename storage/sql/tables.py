"""The one SQLAlchemy Core `MetaData`: Alembic's `target_metadata` and the schema of both SQL stores.

One table per index in `storage.indices`: the document as JSON text, its `seq_no` and
`primary_term`, and one column per keyword field. Identifiers and keywords compare
and sort by code point on every database, as in Elasticsearch (MariaDB's default collation
folds case; PostgreSQL's locale collations skip punctuation when sorting).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, MetaData, String, Table, Text
from sqlalchemy.dialects import mysql, postgresql
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


def _column(field: KeywordField) -> Column[object]:
    if field.kind == "boolean":
        return Column(field.name, Boolean, nullable=False, default=False)
    if field.kind == "timestamp":
        return Column(field.name, BigInteger, nullable=True)
    return Column(field.name, _binary_text(), nullable=True)


def _table(index: IndexSchema, *indexed: str) -> Table:
    table = Table(
        index.table,
        metadata,
        Column("id", _binary_text(ID_LENGTH), primary_key=True),
        Column("seq_no", BigInteger, nullable=False),
        Column("primary_term", BigInteger, nullable=False),
        Column("source", _binary_text(), nullable=False),
        *(_column(field) for field in index.fields),
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


connectors = _table(CONNECTORS, "index_name", "name", "service_type", "deleted")
sync_jobs = _table(SYNC_JOBS, "connector_id", "status", "job_type", "created_at")
secrets = _table(SECRETS)
api_keys = _table(API_KEYS, "name", "username", "invalidated")

TABLES: dict[str, Table] = {
    CONNECTORS.name: connectors,
    SYNC_JOBS.name: sync_jobs,
    SECRETS.name: secrets,
    API_KEYS.name: api_keys,
}
