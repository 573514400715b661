"""The per-table statements of the SQLAlchemy store, built once per dialect when it opens.

SQLAlchemy caches a statement's compiled form by its structure, so building each one once
and executing it with fresh parameters costs no compilation on the hot path. Bound
parameters are named `b_*` where a column of the same name is also set.

Each write is one statement, whose result tells the store what happened:

- a conditional write is `UPDATE ... WHERE id AND seq_no AND primary_term`; its rowcount
  says whether the version matched (MySQL drivers count matched rows: SQLAlchemy sets
  the FOUND_ROWS client flag), and the new `seq_no` is the expected one plus one;
- an unconditional write is an upsert that bumps `seq_no` on conflict. PostgreSQL and SQLite
  return the new `seq_no`. MariaDB has no RETURNING for an update, so its upsert passes the
  bumped value through `LAST_INSERT_ID(expr)`, which the driver reports as `lastrowid`
  (rowcount tells an insert, 1, from an update, 2), except after an UPDATE trigger that ran a
  statement (a table with a counted term): the store then asks for `LAST_INSERT_ID()`.

`counts` reads the totals the database keeps for a counted index (`IndexSchema.counted`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Delete, Insert, Select, Table, Update, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.sql.dml import ReturningInsert

from storage.indices import IndexSchema
from storage.sql.tables import document_counts

Upsert = ReturningInsert[tuple[int]] | Insert


@dataclass(frozen=True, slots=True)
class TableStatements:
    table: Table
    get: Select[tuple[str, int, int]]
    version: Select[tuple[int, int]]
    insert: Insert
    update_if_version: Update
    upsert: Upsert
    delete: Delete
    counts: dict[str, Select[int]]
    """A statement per `document_counts` column, reading this table's value of it."""


def build_statements(index: IndexSchema, table: Table, dialect: str) -> TableStatements:
    keywords = [field.name for field in index.fields]
    by_id = table.c.id == bindparam("b_id")
    counted = document_counts.c.table_name == index.table
    return TableStatements(
        table=table,
        get=select(table.c.source, table.c.seq_no, table.c.primary_term).where(by_id),
        version=select(table.c.seq_no, table.c.primary_term).where(by_id),
        insert=insert(table),
        update_if_version=update(table)
        .where(by_id, table.c.seq_no == bindparam("b_seq_no"), table.c.primary_term == bindparam("b_primary_term"))
        .values(source=bindparam("source"), seq_no=table.c.seq_no + 1, **{name: bindparam(name) for name in keywords}),
        upsert=_upsert(table, keywords, dialect),
        delete=delete(table).where(by_id),
        counts={name: select(document_counts.c[name]).where(counted) for name in ("documents", "term_matches")}
        if index.counted
        else {},
    )


def _upsert(table: Table, keywords: list[str], dialect: str) -> Upsert:
    if dialect in ("mysql", "mariadb"):
        statement = mysql.insert(table)
        return statement.on_duplicate_key_update(
            source=statement.inserted.source,
            seq_no=func.last_insert_id(table.c.seq_no + 1),
            **{name: statement.inserted[name] for name in keywords},
        )
    if dialect == "postgresql":
        pg = postgresql.insert(table)
        return pg.on_conflict_do_update(
            index_elements=[table.c.id], set_=_overwrite(table, pg.excluded, keywords)
        ).returning(table.c.seq_no)
    if dialect == "sqlite":
        lite = sqlite.insert(table)
        return lite.on_conflict_do_update(
            index_elements=[table.c.id], set_=_overwrite(table, lite.excluded, keywords)
        ).returning(table.c.seq_no)
    raise NotImplementedError(f"no upsert for the {dialect} dialect")


def _overwrite(table: Table, excluded: Any, keywords: list[str]) -> dict[str, Any]:
    return {
        "source": excluded.source,
        "seq_no": table.c.seq_no + 1,
        **{name: excluded[name] for name in keywords},
    }
