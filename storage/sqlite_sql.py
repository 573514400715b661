"""SQL text for `storage.sqlite`: one table per index, as `storage/sql/tables.py` defines it.

Identifiers come only from `storage.indices` (never from a request), and every value is a
bound parameter. A field the index does not keep as a column behaves as a column that is
always missing, as it does in the memory storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from storage.documents import Contains, Search, SortKey, Term
from storage.indices import IndexSchema

TEXT_KINDS = ("keyword", "text")


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class Statements:
    """The per-document statements of one index; keyword column values follow `source`."""

    get: str
    get_with_columns: str
    """`get`, then the keyword columns as stored, in `index.fields` order."""
    version: str
    create: str
    upsert: str
    update_if: str
    delete: str
    table: str


@cache
def statements(index: IndexSchema) -> Statements:
    table = quote(index.table)
    fields = [quote(field.name) for field in index.fields]
    columns = ", ".join(["id", "seq_no", "primary_term", "source", *fields])
    values = ", ".join(["?", "0", "1", "?", *("?" for _ in fields)])
    insert = f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT (id) DO"
    updated = ", ".join(f"{name} = excluded.{name}" for name in ["source", *fields])
    assigned = ", ".join(f"{name} = ?" for name in ["source", *fields])
    return Statements(
        get=f"SELECT seq_no, primary_term, source FROM {table} WHERE id = ?",
        get_with_columns=f"SELECT {', '.join(['seq_no', 'primary_term', 'source', *fields])} FROM {table} WHERE id = ?",
        version=f"SELECT seq_no, primary_term FROM {table} WHERE id = ?",
        create=f"{insert} NOTHING",
        upsert=f"{insert} UPDATE SET seq_no = seq_no + 1, {updated} RETURNING seq_no",
        update_if=f"UPDATE {table} SET seq_no = seq_no + 1, {assigned} "
        "WHERE id = ? AND seq_no = ? AND primary_term = ? RETURNING seq_no",
        delete=f"DELETE FROM {table} WHERE id = ?",
        table=table,
    )


@cache
def update(index: IndexSchema, changed: tuple[str, ...]) -> str:
    """Overwrite the source and only the `changed` keyword columns: SQLite then maintains only
    their indexes (a last-sync update changes none)."""
    assigned = ", ".join(f"{name} = ?" for name in ["source", *(quote(field) for field in changed)])
    return f"UPDATE {quote(index.table)} SET seq_no = seq_no + 1, {assigned} WHERE id = ?"


def column(index: IndexSchema, name: str, kinds: tuple[str, ...] | None = None) -> str | None:
    """The quoted column of keyword field `name`, or None if the index keeps no such column."""
    for field in index.fields:
        if field.name == name and (kinds is None or field.kind in kinds):
            return quote(field.name)
    return None


def where(index: IndexSchema, terms: tuple[Term, ...], contains: Contains | None = None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    parameters: list[Any] = []
    for term in terms:
        clauses.append(_term(index, term, parameters))
    if contains is not None:
        clauses.append(_contains(index, contains, parameters))
    return " AND ".join(clauses) or "1", parameters


def _term(index: IndexSchema, term: Term, parameters: list[Any]) -> str:
    values = [value for value in term.values if value is not None]
    wants_missing = len(values) < len(term.values)
    name = column(index, term.field)
    if name is None:
        return "1" if wants_missing else "0"
    alternatives = []
    if values:
        alternatives.append(f"{name} IN ({', '.join('?' for _ in values)})")
        parameters.extend(values)
    if wants_missing:
        alternatives.append(f"{name} IS NULL")
    return "(" + " OR ".join(alternatives) + ")" if alternatives else "0"


def _contains(index: IndexSchema, contains: Contains, parameters: list[Any]) -> str:
    # GLOB, unlike LIKE, is case-sensitive and has Elasticsearch's `*` and `?` wildcards;
    # `%` and `_` are literal in it, and `[` opens a character class, so it is bracketed.
    pattern = "*" + contains.text.replace("[", "[[]") + "*"
    names = [name for name in (column(index, field, TEXT_KINDS) for field in contains.fields) if name]
    parameters.extend(pattern for _ in names)
    return "(" + " OR ".join(f"{name} GLOB ?" for name in names) + ")" if names else "0"


def order_by(index: IndexSchema, sort: tuple[SortKey, ...]) -> str:
    """Missing values last in an order an index can give: NULL is SQLite's lowest value, so
    descending puts it last by itself; ascending, `NULLS LAST` reads the index in two runs."""
    keys = []
    for key in sort:
        name = column(index, key.field)
        if name is not None:
            keys.append(f"{name} DESC" if key.descending else f"{name} ASC NULLS LAST")
    return ", ".join([*keys, "id"])


def search_page(index: IndexSchema, search: Search) -> tuple[str, list[Any]]:
    """A page of matches, each row carrying the total of all matches (one statement, one snapshot)."""
    total, total_parameters = search_total(index, search)
    condition, parameters = where(index, search.terms, search.contains)
    sql = (
        f"SELECT id, seq_no, primary_term, source, ({total}) FROM {quote(index.table)} "
        f"WHERE {condition} ORDER BY {order_by(index, search.sort)} LIMIT ? OFFSET ?"
    )
    return sql, [*total_parameters, *parameters, search.limit, search.offset]


def search_total(index: IndexSchema, search: Search) -> tuple[str, list[Any]]:
    """The total of `search`: kept by the database for the common lists (`IndexSchema.counted`), else counted."""
    kept = index.counts_column(search)
    if kept is not None:
        return f"SELECT {quote(kept)} FROM document_counts WHERE table_name = ?", [index.table]
    condition, parameters = where(index, search.terms, search.contains)
    return f"SELECT COUNT(*) FROM {quote(index.table)} WHERE {condition}", parameters


def delete_matching(index: IndexSchema, terms: tuple[Term, ...]) -> tuple[str, list[Any]]:
    condition, parameters = where(index, terms)
    return f"DELETE FROM {quote(index.table)} WHERE {condition}", parameters
