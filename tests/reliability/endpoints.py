"""Every route of the API with a valid example body and its query parameters, for the fuzzers.

Paths name their ids as `{connector}`, `{job}`, `{secret}` (`{any}` for another route
variable); the fuzzers put generated ids there, or the ids of documents that exist.
`endpoints_of(app)` adds every route of the app this catalogue does not know (a route added
later is fuzzed too, with generated bodies only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from quart import Quart

CONNECTOR = "/_connector/{connector}"
JOB = "/_connector/_sync_job/{job}"
SECRET = "/_connector/_secret/{secret}"
KNOWN_CONNECTOR = "fuzz-connector"
KNOWN_SECRET = "fuzz-secret"

NEW_CONNECTOR = {
    "index_name": "search-fuzz", "name": "Fuzz", "description": "fuzzed", "is_native": False,
    "language": "en", "service_type": "custom",
}
RULE = {
    "id": "rule-1", "field": "title", "order": 1, "policy": "exclude", "rule": "contains", "value": "draft",
    "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
}
RULES = {"advanced_snippet": {"value": {"query": "x"}}, "rules": [RULE], "validation": {"errors": [], "state": "valid"}}
CONFIG_ENTRY = {
    "category": "auth", "default_value": None, "depends_on": [{"field": "f", "value": 1}], "display": "textbox",
    "label": "Host", "options": [{"label": "a", "value": "a"}], "order": 1, "placeholder": None, "required": True,
    "sensitive": False, "tooltip": None, "type": "str", "ui_restrictions": ["advanced"],
    "validations": [{"type": "less_than", "constraint": 10}], "value": "localhost",
}
SCHEDULE = {"enabled": True, "interval": "0 0 0 * * ?"}
STATS = {
    "deleted_document_count": 1, "indexed_document_count": 2, "indexed_document_volume": 3,
    "total_document_count": 4, "last_seen": "2024-01-01T00:00:00Z", "metadata": {"key": "value"},
}
LAST_SYNC = {
    "last_access_control_sync_error": "e", "last_access_control_sync_scheduled_at": "2024-01-01T00:00:00Z",
    "last_access_control_sync_status": "pending", "last_deleted_document_count": 1,
    "last_incremental_sync_scheduled_at": "2024-01-01T00:00:00Z", "last_indexed_document_count": "2",
    "last_sync_error": None, "last_sync_scheduled_at": "2024-01-01T00:00:00.000Z", "last_sync_status": "completed",
    "last_synced": "2024-01-01T00:00:00+01:00", "sync_cursor": {"page": 3},
}
LIST_CONNECTORS = ("from", "size", "index_name", "connector_name", "service_type", "query", "include_deleted")
LIST_SYNC_JOBS = ("from", "size", "connector_id", "status", "job_type")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: dict[str, Any] | None = None
    """A valid body, or None for an endpoint that reads none."""
    parameters: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


ENDPOINTS = (
    Endpoint("GET", "/"),
    Endpoint("PUT", CONNECTOR, NEW_CONNECTOR),
    Endpoint("PUT", "/_connector", NEW_CONNECTOR),
    Endpoint("POST", "/_connector", NEW_CONNECTOR),
    Endpoint("GET", CONNECTOR, parameters=("include_deleted",)),
    Endpoint("GET", "/_connector", parameters=LIST_CONNECTORS),
    Endpoint("DELETE", CONNECTOR, parameters=("delete_sync_jobs", "hard")),
    Endpoint("PUT", f"{CONNECTOR}/_check_in"),
    Endpoint("PUT", f"{CONNECTOR}/_last_sync", LAST_SYNC),
    Endpoint("PUT", f"{CONNECTOR}/_filtering/_activate"),
    Endpoint("PUT", f"{CONNECTOR}/_api_key_id", {"api_key_id": "key", "api_key_secret_id": "secret"}),
    Endpoint("PUT", f"{CONNECTOR}/_configuration", {"configuration": {"host": CONFIG_ENTRY}}),
    Endpoint("PUT", f"{CONNECTOR}/_configuration", {"values": {"host": "example.com"}}),
    Endpoint("PUT", f"{CONNECTOR}/_error", {"error": "boom"}),
    Endpoint("PUT", f"{CONNECTOR}/_features", {"features": {
        "document_level_security": {"enabled": True}, "incremental_sync": {"enabled": False},
        "native_connector_api_keys": {"enabled": True}, "sync_rules": {"advanced": {"enabled": True}},
    }}),
    Endpoint("PUT", f"{CONNECTOR}/_filtering", {"rules": [RULE], "advanced_snippet": {"value": [{"a": 1}]}}),
    Endpoint("PUT", f"{CONNECTOR}/_filtering", {"filtering": [{"active": RULES, "domain": "D", "draft": RULES}]}),
    Endpoint("PUT", f"{CONNECTOR}/_filtering/_validation", {"validation": {
        "errors": [{"ids": ["rule-1"], "messages": ["bad"]}], "state": "invalid",
    }}),
    Endpoint("PUT", f"{CONNECTOR}/_index_name", {"index_name": "search-renamed"}),
    Endpoint("PUT", f"{CONNECTOR}/_name", {"name": "renamed", "description": "described"}),
    Endpoint("PUT", f"{CONNECTOR}/_native", {"is_native": False}),
    Endpoint("PUT", f"{CONNECTOR}/_pipeline", {"pipeline": {
        "extract_binary_content": True, "name": "ent-search-generic-ingestion", "reduce_whitespace": True,
        "run_ml_inference": False,
    }}),
    Endpoint("PUT", f"{CONNECTOR}/_scheduling", {"scheduling": {
        "access_control": SCHEDULE, "full": SCHEDULE, "incremental": {"enabled": False, "interval": "0 */5 * * * ?"},
    }}),
    Endpoint("PUT", f"{CONNECTOR}/_service_type", {"service_type": "sharepoint"}),
    Endpoint("PUT", f"{CONNECTOR}/_status", {"status": "configured"}),
    Endpoint(
        "POST", "/_connector/_sync_job", {"id": KNOWN_CONNECTOR, "job_type": "full", "trigger_method": "scheduled"}
    ),
    Endpoint("GET", "/_connector/_sync_job", parameters=LIST_SYNC_JOBS),
    Endpoint("GET", JOB),
    Endpoint("DELETE", JOB),
    Endpoint("PUT", f"{JOB}/_cancel"),
    Endpoint("PUT", f"{JOB}/_check_in"),
    Endpoint("PUT", f"{JOB}/_claim", {"worker_hostname": "worker-1", "sync_cursor": {"page": 1}}),
    Endpoint("PUT", f"{JOB}/_error", {"error": "failed"}),
    Endpoint("PUT", f"{JOB}/_stats", STATS),
    Endpoint("POST", "/_connector/_secret", {"value": "s3cr3t"}),
    Endpoint("PUT", SECRET, {"value": "s3cr3t"}),
    Endpoint("GET", SECRET),
    Endpoint("DELETE", SECRET),
)


ROUTE_VARIABLES = {"connector_id": "{connector}", "job_id": "{job}", "secret_id": "{secret}"}


def template(rule: str) -> str:
    """`/_connector/<eid:connector_id>/_name` as `/_connector/{connector}/_name`."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda match: ROUTE_VARIABLES.get(match.group(1), "{any}"), rule)


def endpoints_of(app: Quart) -> list[Endpoint]:
    """The catalogue, and an `Endpoint` without a known body for each other route and method of `app`."""
    known = {(endpoint.method, endpoint.path) for endpoint in ENDPOINTS}
    others = [
        Endpoint(method, template(rule.rule))
        for rule in app.url_map.iter_rules()
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if (method, template(rule.rule)) not in known
    ]
    return [*ENDPOINTS, *others]
