"""`Search` as SQL: filters, wildcard matching and sorting the way `storage.memory` does them.

- `Term` is `IN` (and `IS NULL` when None is one of the values, as a missing field matches it).
- `Contains` is Elasticsearch's `*text*` wildcard: `*` any run, `?` one character, anything
  else literal, case-sensitive. PostgreSQL and MariaDB use `LIKE` with an escape character on
  code-point-collated columns; SQLite's `LIKE` ignores ASCII case, so it uses `GLOB`, whose
  only escape is a one-character class.
- Missing values sort last in both directions: `NULLS LAST` where the dialect has it, else a
  leading `col IS NULL` key; `id` ascending breaks ties.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Table, false, or_
from sqlalchemy.sql.elements import UnaryExpression

from storage.documents import Contains, SortKey, Term
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
        direction: UnaryExpression[Any] = column.desc() if key.descending else column.asc()
        if dialect in ("postgresql", "sqlite"):
            keys.append(direction.nulls_last())
        else:
            keys.extend((column.is_(None), direction))
    keys.append(table.c.id.asc())
    return keys


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
