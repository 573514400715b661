"""Cluster privileges as Elasticsearch names them.

Roles (in the users file) and API keys (`role_descriptors`) grant cluster privileges by name.
Every name Elasticsearch's `ClusterPrivilegeResolver` knows is accepted, so that a role copied
from an Elasticsearch cluster loads; only the ones in `ACTING` grant anything on this server
(which actions each grants is the table in `app.security.actions`). The rest are valid names
that grant nothing here, as `manage_ml` would grant nothing on a cluster without ML.
"""

from __future__ import annotations

from collections.abc import Iterable

ACTING: dict[str, str] = {
    "all": "every action, API key management included",
    "manage": "every action but API key management (Elasticsearch's security actions)",
    "monitor": "read-only cluster information",
    "monitor_connector": "read connectors and sync jobs",
    "manage_connector": "everything on connectors and sync jobs (not connector secrets)",
    "read_connector_secrets": "read connector secrets",
    "write_connector_secrets": "create, replace and delete connector secrets",
    "manage_security": "every security action, API keys included",
    "manage_api_key": "create and invalidate any API key",
    "manage_own_api_key": "create API keys, and invalidate the caller's own",
}
"""The privileges that grant actions on this server, with what they grant."""

ELASTICSEARCH_ONLY: frozenset[str] = frozenset(
    {
        "none", "monitor_inference", "monitor_ml", "monitor_text_structure", "monitor_data_frame_transforms",
        "monitor_transform", "monitor_watcher", "monitor_rollup", "monitor_enrich", "manage_inference", "manage_ml",
        "manage_data_frame_transforms", "manage_transform", "manage_token", "manage_watcher",
        "manage_index_templates", "manage_ingest_pipelines", "read_pipeline", "transport_client", "read_security",
        "manage_saml", "manage_oidc", "grant_api_key", "manage_service_account", "manage_user_profile",
        "manage_pipeline", "manage_rollup", "manage_autoscaling", "manage_ccr", "read_ccr", "create_snapshot",
        "monitor_snapshot", "manage_ilm", "read_ilm", "manage_slm", "read_slm", "delegate_pki", "manage_enrich",
        "manage_logstash_pipelines", "read_fleet_secrets", "write_fleet_secrets", "cancel_task",
        "manage_search_application", "manage_search_synonyms", "manage_behavioral_analytics",
        "post_behavioral_analytics_event", "manage_search_query_rules", "cross_cluster_search",
        "cross_cluster_replication", "monitor_data_stream_global_retention", "manage_data_stream_global_retention",
    }
)
"""Names Elasticsearch knows that grant no action of this server."""

KNOWN: frozenset[str] = frozenset(ACTING) | ELASTICSEARCH_ONLY

SUPERUSER_ROLE = "superuser"
"""Elasticsearch's reserved role: every cluster privilege. Users files may assign it, not define it."""

RESERVED_ROLES: dict[str, frozenset[str]] = {SUPERUSER_ROLE: frozenset({"all"})}


def unknown_privilege_message(name: str) -> str:
    """Elasticsearch's words for a cluster privilege it does not know."""
    return (
        f"unknown cluster privilege [{name}]. a privilege must be either one of the predefined cluster privilege "
        f"names [{','.join(sorted(KNOWN))}] or a pattern over one of the available cluster actions"
    )


def unknown_privileges(names: Iterable[str]) -> list[str]:
    """The names in `names` that are no cluster privilege (compared in lower case, as Elasticsearch does)."""
    return [name for name in names if name.lower() not in KNOWN]


def normalised(names: Iterable[str]) -> frozenset[str]:
    return frozenset(name.lower() for name in names)
