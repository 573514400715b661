"""The indices (tables) the server stores, and the keyword fields each keeps as columns.

A document is stored whole, as the JSON that `GET` returns; the keyword fields are copies of
a few of its values, kept in step by every write, so that list filters and sorting run on
indexed columns instead of on the JSON. The SQL databases also count the documents of the
indices that are listed (`IndexSchema.counted`), as Elasticsearch knows its totals, so that a
list page costs the same however many documents there are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from storage.documents import Search, Term

FieldKind = Literal["keyword", "text", "boolean", "timestamp"]


def _path_value(source: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = source
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def timestamp_to_micros(value: Any) -> int | None:
    """Epoch microseconds of a stored ISO-8601 timestamp, the sortable form kept in columns."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


@dataclass(frozen=True, slots=True)
class KeywordField:
    """A value copied out of the document into its own column."""

    name: str
    path: tuple[str, ...]
    kind: FieldKind = "keyword"

    def extract(self, source: Mapping[str, Any]) -> Any:
        value = _path_value(source, self.path)
        if self.kind == "boolean":
            return bool(value) if isinstance(value, bool) else False
        if self.kind == "timestamp":
            return timestamp_to_micros(value)
        return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class IndexSchema:
    """An Elasticsearch index as this server stores it: one table, keyword fields as columns."""

    name: str
    table: str
    fields: tuple[KeywordField, ...] = ()
    counted: bool = False
    """Whether the SQL databases keep this index's number of documents in `document_counts`
    (updated by triggers, in the transaction of each write)."""
    counted_term: Term | None = None
    """A term whose matches are counted as well (a boolean field's value: live connectors)."""

    def counts_column(self, search: Search) -> str | None:
        """The `document_counts` column that holds the total of `search`, or None if it must be counted."""
        if not self.counted or search.contains is not None:
            return None
        if not search.terms:
            return "documents"
        if self.counted_term is not None and search.terms == (self.counted_term,):
            return "term_matches"
        return None

    def field(self, name: str) -> KeywordField:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"index [{self.name}] has no keyword field [{name}]")

    def columns(self, source: Mapping[str, Any]) -> dict[str, Any]:
        return {field.name: field.extract(source) for field in self.fields}


CONNECTORS = IndexSchema(
    name=".elastic-connectors-v1",
    table="connectors",
    fields=(
        KeywordField("index_name", ("index_name",)),
        KeywordField("name", ("name",)),
        KeywordField("service_type", ("service_type",)),
        KeywordField("description", ("description",), kind="text"),
        KeywordField("deleted", ("deleted",), kind="boolean"),
    ),
    counted=True,
    counted_term=Term("deleted", (False,)),
)

SYNC_JOBS = IndexSchema(
    name=".elastic-connectors-sync-jobs-v1",
    table="connector_sync_jobs",
    fields=(
        KeywordField("connector_id", ("connector", "id")),
        KeywordField("status", ("status",)),
        KeywordField("job_type", ("job_type",)),
        KeywordField("created_at", ("created_at",), kind="timestamp"),
    ),
    counted=True,
)

SECRETS = IndexSchema(name=".connector-secrets", table="connector_secrets")

API_KEYS = IndexSchema(
    name=".security-api-keys",
    table="api_keys",
    fields=(
        KeywordField("name", ("name",)),
        KeywordField("username", ("creator", "principal")),
        KeywordField("realm", ("creator", "realm")),
        KeywordField("invalidated", ("api_key_invalidated",), kind="boolean"),
    ),
)
"""API keys (`app.security.api_keys`): hashed secrets, shared by every worker and instance."""

ALL_INDICES: tuple[IndexSchema, ...] = (CONNECTORS, SYNC_JOBS, SECRETS, API_KEYS)
