"""`Search` as SQL: filters, wildcard matching and sorting the way `storage.memory` does them.

- `Term` is `IN` (and `IS NULL` when None is one of the values, as a missing field matches it).
- `Contains` is Elasticsearch's `*text*` wildcard: `*` any run, `?` one character, anything
  else literal, case-sensitive. PostgreSQL and MariaDB use `LIKE` with an escape character on
  code-point-collated columns; SQLite's `LIKE` ignores ASCII case, so it uses `GLOB`, whose
  only escape is a one-character class.
- Missing values sort last in both directions, and `id` ascending breaks ties, in an order an
  index can give (`storage.sql.tables`), so that a page stops after its rows. Descending,
  MariaDB and SQLite put NULL last by themselves (it is their lowest value), PostgreSQL is
  told `NULLS LAST`. Ascending, PostgreSQL and SQLite are told `NULLS LAST` (SQLite reads such
  an index twice, values then NULLs); MariaDB has no `NULLS LAST`, and a leading `col IS NULL`
  key would sort every match, so the store reads the two parts itself (`missing_last_split`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, false, or_

from storage.documents import Contains, Search, SortKey, Term
from storage.indices import IndexSchema

LIKE_ESCAPE = "!"
_LIKE_TRANSLATION = str.maketrans({"!": "!!", "%": "!%", "_": "!_", "*": "%", "?": "_"})
_GLOB_TRANSLATION = str.maketrans({"[": "[[]", "]": "[]]"})
_TEXT_KINDS = ("keyword", "text")


def where_clauses(
    table: Table, index: IndexSchema, terms: tuple[Term, ...], contains: Contains | None, dialect: str
) -> list[ColumnElement[bool]]:
    clauses = [_term(table, index, term) for term in terms]
    if contains is not None:
        clauses.append(_contains(table, index, contains, dialect))
    return clauses


def order_by(table: Table, index: IndexSchema, sort: tuple[SortKey, ...], dialect: str) -> list[Any]:
    keys: list[Any] = []
    for key in sort:
        column = table.c[index.field(key.field).name]
        if key.descending:
            keys.append(column.desc().nulls_last() if dialect == "postgresql" else column.desc())
        elif dialect in ("postgresql", "sqlite"):
            keys.append(column.asc().nulls_last())
        else:
            keys.extend((column.is_(None), column.asc()))
    keys.append(table.c.id.asc())
    return keys


@dataclass(frozen=True, slots=True)
class MissingLastSplit:
    """How MariaDB reads a page sorted ascending on `column`, missing values last: the rows that
    have a value, in order, then those that have none, in `id` order, each part off an index.

    MariaDB's own plans for the parts can cost the whole table: for the first, it reads the
    index from the prefix the terms fix (`deleted = false`) rather than from the first value,
    through every NULL; for the second, it may read the primary key in order and skip every
    row that has a value. So both parts name the index to read when one is (the columns the
    terms fix, `column`, id); otherwise the second at least leaves out the primary key."""

    column: Column[Any]
    present_hint: str | None
    missing_hint: str


def missing_last_split(table: Table, index: IndexSchema, search: Search, dialect: str) -> MissingLastSplit | None:
    """The split of `search`'s page when the dialect cannot put missing values last in an order
    an index gives (MariaDB, first sort key ascending), else None."""
    if dialect in ("postgresql", "sqlite") or not search.sort or search.sort[0].descending:
        return None
    column = table.c[index.field(search.sort[0].field).name]
    ordered = _index_in_split_order(table, index, search, column)
    if ordered is None:
        return MissingLastSplit(column, None, "IGNORE INDEX FOR ORDER BY (PRIMARY)")
    return MissingLastSplit(column, f"FORCE INDEX ({ordered})", f"FORCE INDEX ({ordered})")


def _index_in_split_order(table: Table, index: IndexSchema, search: Search, column: Column[Any]) -> str | None:
    """An index that is (the columns the terms fix to one value, `column`, id), if there is one."""
    fixed = {index.field(term.field).name for term in search.terms if len(term.values) == 1 and None not in term.values}
    if search.contains is not None or len(fixed) < len(search.terms):
        return None
    for candidate in table.indexes:
        names = [indexed.name for indexed in candidate.columns]
        if set(names[: len(fixed)]) == fixed and names[len(fixed) :] == [column.name, "id"]:
            return str(candidate.name)
    return None


def _term(table: Table, index: IndexSchema, term: Term) -> ColumnElement[bool]:
    column = table.c[index.field(term.field).name]
    present = [value for value in term.values if value is not None]
    matches = column.in_(present)
    return or_(matches, column.is_(None)) if len(present) < len(term.values) else matches


def _contains(table: Table, index: IndexSchema, contains: Contains, dialect: str) -> ColumnElement[bool]:
    columns = [table.c[field.name] for field in map(index.field, contains.fields) if field.kind in _TEXT_KINDS]
    if not columns:
        return false()
    if dialect == "sqlite":
        pattern = f"*{contains.text.translate(_GLOB_TRANSLATION)}*"
        return or_(*(column.op("GLOB", is_comparison=True)(pattern) for column in columns))
    pattern = f"%{contains.text.translate(_LIKE_TRANSLATION)}%"
    return or_(*(column.like(pattern, escape=LIKE_ESCAPE) for column in columns))
