"""The connector document: what a create writes, and the rules about its index name."""

from __future__ import annotations

from typing import Any

from app.domain.models import ConnectorStatus

EVERYDAY_AT_MIDNIGHT = "0 0 0 * * ?"

LAST_SYNC_FIELDS = (
    "last_access_control_sync_error",
    "last_access_control_sync_scheduled_at",
    "last_access_control_sync_status",
    "last_deleted_document_count",
    "last_incremental_sync_scheduled_at",
    "last_indexed_document_count",
    "last_sync_error",
    "last_sync_scheduled_at",
    "last_sync_status",
    "last_synced",
)


def default_filtering_rules(timestamp: str) -> dict[str, Any]:
    return {
        "advanced_snippet": {"created_at": timestamp, "updated_at": timestamp, "value": {}},
        "rules": [default_rule(timestamp, order=0)],
        "validation": {"errors": [], "state": "valid"},
    }


def default_rule(timestamp: str, *, order: int) -> dict[str, Any]:
    return {
        "created_at": timestamp,
        "field": "_",
        "id": "DEFAULT",
        "order": order,
        "policy": "include",
        "rule": "regex",
        "updated_at": timestamp,
        "value": ".*",
    }


def new_connector(fields: dict[str, Any], timestamp: str) -> dict[str, Any]:
    """The document a create writes: defaults, plus the optional fields given (nulls left out)."""
    is_native = bool(fields.get("is_native", False))
    document: dict[str, Any] = {}
    if fields.get("description") is not None:
        document["description"] = fields["description"]
    document["configuration"] = {}
    document["custom_scheduling"] = {}
    document["filtering"] = [
        {
            "active": default_filtering_rules(timestamp),
            "domain": "DEFAULT",
            "draft": default_filtering_rules(timestamp),
        }
    ]
    if fields.get("index_name") is not None:
        document["index_name"] = fields["index_name"]
    document["is_native"] = is_native
    if fields.get("language") is not None:
        document["language"] = fields["language"]
    document["name"] = fields.get("name") or ""
    document["scheduling"] = {
        kind: {"enabled": False, "interval": EVERYDAY_AT_MIDNIGHT} for kind in ("access_control", "full", "incremental")
    }
    if fields.get("service_type") is not None:
        document["service_type"] = fields["service_type"]
    document["status"] = ConnectorStatus.NEEDS_CONFIGURATION if is_native else ConnectorStatus.CREATED
    document["sync_now"] = False
    document["deleted"] = False
    return document
