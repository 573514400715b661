"""List pages that cost the same at any size: counted totals and indexes in page order.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

- `document_counts` holds, per counted table, the number of its rows and of those matching
  one term (connectors: `deleted = FALSE`), filled from the rows there are and kept by AFTER
  triggers in the transaction of every write. An UPDATE changes the counts only when the
  counted column's match changes, so the hot path (`_last_sync`) never writes them.
- Connectors get (deleted, index_name, id) and (index_name, id), which the list reads in
  order, missing names last; sync jobs get (connector_id, created_at DESC) and
  (created_at DESC), missing timestamps last. They replace the one-column indexes on the same
  leading columns. MariaDB's `index_name` becomes a VARCHAR(255) (index names are at most
  255 bytes), which it indexes whole: a TEXT prefix index cannot give an order.

Everything is written out here rather than derived from `storage`, so that this revision
keeps doing what it always did.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = "document_counts"
KEYWORD_PREFIX = 255
INDEX_NAME_LENGTH = 255


class Counted(NamedTuple):
    """A table whose rows are counted; `column = value` is the term counted as well, if any."""

    table: str
    column: str | None = None
    value: str | None = None

    def matches(self, row: str) -> str:
        """1 if `row` (NEW or OLD) matches the counted term, else 0."""
        return f"CASE WHEN {row}.{self.column} = {self.value} THEN 1 ELSE 0 END"

    def term_changed(self) -> str:
        return f"(NEW.{self.column} = {self.value}) <> (OLD.{self.column} = {self.value})"

    def on_insert(self) -> str:
        term = f", term_matches = term_matches + {self.matches('NEW')}" if self.column else ""
        return self.update(f"documents = documents + 1{term}")

    def on_delete(self) -> str:
        term = f", term_matches = term_matches - {self.matches('OLD')}" if self.column else ""
        return self.update(f"documents = documents - 1{term}")

    def on_update(self) -> str:
        return self.update(f"term_matches = term_matches + {self.matches('NEW')} - {self.matches('OLD')}")

    def update(self, assignments: str, condition: str = "") -> str:
        return f"UPDATE {COUNTS} SET {assignments} WHERE table_name = '{self.table}'{condition}"

    def add_rows(self, rows: str, sign: str) -> str:
        """Add (`+`) or take away (`-`) the rows of a transition table, if there are any (PostgreSQL)."""
        term = f"COUNT(*) FILTER (WHERE {self.column} = {self.value})" if self.column else "0"
        return self.update(
            f"documents = documents {sign} counted.all_rows, term_matches = term_matches {sign} counted.term_rows "
            f"FROM (SELECT COUNT(*) AS all_rows, {term} AS term_rows FROM {rows}) AS counted",
            " AND counted.all_rows > 0",
        )


COUNTED = (Counted("connectors", "deleted", "FALSE"), Counted("connector_sync_jobs"))


def _dialect() -> str:
    return op.get_context().dialect.name


def upgrade() -> None:
    op.create_table(
        COUNTS,
        sa.Column(
            "table_name",
            sa.String(64)
            .with_variant(postgresql.VARCHAR(64, collation="C"), "postgresql")
            .with_variant(mysql.VARCHAR(64, collation="utf8mb4_bin"), "mysql", "mariadb"),
            nullable=False,
        ),
        sa.Column("documents", sa.BigInteger(), nullable=False),
        sa.Column("term_matches", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f(f"pk_{COUNTS}")),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_bin",
    )
    for counted in COUNTED:
        # Triggers first: PostgreSQL's CREATE TRIGGER holds off writers until the migration
        # commits; on MariaDB a write between the two finds no row to count into, and the
        # count of the rows that follows includes it.
        for statement in _create_triggers(counted):
            op.execute(statement)
        op.execute(
            f"INSERT INTO {COUNTS} (table_name, documents, term_matches) "
            f"SELECT '{counted.table}', COUNT(*), {_sum_matches(counted)} FROM {counted.table}"
        )
    _replace_indexes()


def downgrade() -> None:
    _restore_indexes()
    for counted in COUNTED:
        for statement in _drop_triggers(counted):
            op.execute(statement)
    op.drop_table(COUNTS)


def _create_triggers(counted: Counted) -> Iterator[str]:
    if _dialect() == "postgresql":
        return _postgresql_triggers(counted)
    return _mariadb_triggers(counted) if _on_mariadb() else _sqlite_triggers(counted)


def _sum_matches(counted: Counted) -> str:
    return f"COALESCE(SUM({counted.matches(counted.table)}), 0)" if counted.column else "0"


def _postgresql_triggers(counted: Counted) -> Iterator[str]:
    """Inserts and deletes are counted once per statement, from its transition table: a row
    trigger would update the counts row once per row, and in one transaction each update of
    a PostgreSQL row walks every version the transaction made of it (a bulk delete of n rows
    would take n² steps). The counts row is also then written after every row the statement
    locks, never between two of them."""
    table = counted.table
    yield (
        f"CREATE FUNCTION {table}_count() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "    IF TG_OP = 'INSERT' THEN\n"
        f"        {counted.add_rows('inserted_rows', '+')};\n"
        "    ELSE\n"
        f"        {counted.add_rows('deleted_rows', '-')};\n"
        "    END IF;\n"
        "    RETURN NULL;\n"
        "END\n"
        "$$"
    )
    yield (
        f"CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS inserted_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_count()"
    )
    yield (
        f"CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS deleted_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_count()"
    )
    if counted.column:
        # A row trigger whose WHEN PostgreSQL checks itself: an update that leaves the term's
        # match as it was (the hot path) neither calls the function nor touches the counts.
        yield (
            f"CREATE FUNCTION {table}_count_update() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n    {counted.on_update()};\n    RETURN NULL;\nEND\n$$"
        )
        yield (
            f"CREATE TRIGGER {table}_count_update AFTER UPDATE OF {counted.column} ON {table} "
            f"FOR EACH ROW WHEN ({counted.term_changed()}) EXECUTE FUNCTION {table}_count_update()"
        )


def _mariadb_triggers(counted: Counted) -> Iterator[str]:
    """Row triggers (MariaDB has no others, and no WHEN). ON DUPLICATE KEY UPDATE fires the UPDATE one."""
    table = counted.table
    yield f"CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} FOR EACH ROW {counted.on_insert()}"
    yield f"CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} FOR EACH ROW {counted.on_delete()}"
    if counted.column:
        yield (
            f"CREATE TRIGGER {table}_count_update AFTER UPDATE ON {table} FOR EACH ROW "
            f"IF {counted.term_changed()} THEN {counted.on_update()}; END IF"
        )


def _sqlite_triggers(counted: Counted) -> Iterator[str]:
    """Row triggers; the upsert's DO UPDATE fires the UPDATE one, an update that does not set the column does not."""
    table = counted.table
    yield f"CREATE TRIGGER {table}_count_insert AFTER INSERT ON {table} BEGIN\n    {counted.on_insert()};\nEND"
    yield f"CREATE TRIGGER {table}_count_delete AFTER DELETE ON {table} BEGIN\n    {counted.on_delete()};\nEND"
    if counted.column:
        yield (
            f"CREATE TRIGGER {table}_count_update AFTER UPDATE OF {counted.column} ON {table}\n"
            f"WHEN {counted.term_changed()} BEGIN\n    {counted.on_update()};\nEND"
        )


def _drop_triggers(counted: Counted) -> Iterator[str]:
    events = ("insert", "delete", "update") if counted.column else ("insert", "delete")
    on_table = f" ON {counted.table}" if _dialect() == "postgresql" else ""
    for event in events:
        yield f"DROP TRIGGER {counted.table}_count_{event}{on_table}"
    if _dialect() == "postgresql":
        yield f"DROP FUNCTION {counted.table}_count()"
        if counted.column:
            yield f"DROP FUNCTION {counted.table}_count_update()"


def _newest_first() -> sa.TextClause:
    """`created_at` descending with NULLs last: PostgreSQL must say so, elsewhere NULL is lowest."""
    return sa.text("created_at DESC NULLS LAST" if _dialect() == "postgresql" else "created_at DESC")


def _on_mariadb() -> bool:
    return _dialect() in ("mysql", "mariadb")


def _replace_indexes() -> None:
    op.drop_index("ix_connectors_deleted", table_name="connectors")
    op.drop_index("ix_connectors_index_name", table_name="connectors")
    if _on_mariadb():
        op.alter_column(
            "connectors",
            "index_name",
            type_=mysql.VARCHAR(INDEX_NAME_LENGTH, collation="utf8mb4_bin"),
            existing_type=mysql.LONGTEXT(collation="utf8mb4_bin"),
            existing_nullable=True,
        )
    op.create_index("ix_connectors_deleted_index_name_id", "connectors", ["deleted", "index_name", "id"])
    op.create_index("ix_connectors_index_name_id", "connectors", ["index_name", "id"])

    op.drop_index("ix_connector_sync_jobs_connector_id", table_name="connector_sync_jobs")
    op.drop_index("ix_connector_sync_jobs_created_at", table_name="connector_sync_jobs")
    connector_id = sa.text(f"connector_id({KEYWORD_PREFIX})") if _on_mariadb() else sa.text("connector_id")
    op.create_index(
        "ix_connector_sync_jobs_connector_id_created_at", "connector_sync_jobs", [connector_id, _newest_first()]
    )
    op.create_index("ix_connector_sync_jobs_created_at", "connector_sync_jobs", [_newest_first()])


def _restore_indexes() -> None:
    op.drop_index("ix_connector_sync_jobs_created_at", table_name="connector_sync_jobs")
    op.drop_index("ix_connector_sync_jobs_connector_id_created_at", table_name="connector_sync_jobs")
    op.create_index("ix_connector_sync_jobs_created_at", "connector_sync_jobs", ["created_at"])
    op.create_index(
        "ix_connector_sync_jobs_connector_id", "connector_sync_jobs", ["connector_id"], mysql_length=KEYWORD_PREFIX
    )

    op.drop_index("ix_connectors_index_name_id", table_name="connectors")
    op.drop_index("ix_connectors_deleted_index_name_id", table_name="connectors")
    if _on_mariadb():
        op.alter_column(
            "connectors",
            "index_name",
            type_=mysql.LONGTEXT(collation="utf8mb4_bin"),
            existing_type=mysql.VARCHAR(INDEX_NAME_LENGTH, collation="utf8mb4_bin"),
            existing_nullable=True,
        )
    op.create_index("ix_connectors_index_name", "connectors", ["index_name"], mysql_length=KEYWORD_PREFIX)
    op.create_index("ix_connectors_deleted", "connectors", ["deleted"])
