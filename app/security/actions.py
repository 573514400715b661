"""Every route's Elasticsearch action, and the cluster privileges that grant it: one table.

Keys are `(endpoint, method)` as Quart routes them (`HEAD` is authorised as `GET`). Action
names are those of Elasticsearch's `*Action.NAME` constants (ent-search connector plugin and
x-pack security); `granted_by` lists the privileges that grant each action in the order
Elasticsearch names them in a 403 (`ClusterPrivilegeResolver.findPrivilegesThatGrant`: least
privileged first), derived from its patterns:

- `monitor_connector`: connector and sync-job `get` and `list`;
- `manage_connector`: `cluster:admin/xpack/connector/*` except the secret actions;
- `read_connector_secrets`: `secret/get`; `write_connector_secrets`: `secret/post|put|delete`;
- `manage`: `cluster:*` except `cluster:admin/xpack/security/*`; `all`: `cluster:*`;
- `manage_api_key`: `cluster:admin/xpack/security/api_key/*`, `manage_security` every security
  action, `manage_own_api_key` the caller's own keys.

An empty `granted_by` lets any authenticated caller in. `GET /` and `GET /_cluster/health` are
such routes here, while Elasticsearch asks for `monitor`: they reveal only a name, a version and
a colour, connector services poll `/` with keys scoped to `manage_connector`, and probes poll
the health. Metrics (`monitor`) and this server's own routes have names under
`cluster:*/connector_api/`, none of them Elasticsearch's. A route missing from the table is
refused to all but `all` (see `action_for`); a test keeps every registered route in the table.
"""

from __future__ import annotations

from dataclasses import dataclass

CONNECTOR = "cluster:admin/xpack/connector/"
SECURITY = "cluster:admin/xpack/security/"


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    granted_by: tuple[str, ...]
    """Privileges that grant the action, least privileged first; empty: any authenticated caller."""


AUTHENTICATED: tuple[str, ...] = ()
MONITOR_CONNECTOR = ("monitor_connector", "manage_connector", "manage", "all")
MANAGE_CONNECTOR = ("manage_connector", "manage", "all")
READ_SECRETS = ("read_connector_secrets", "manage", "all")
WRITE_SECRETS = ("write_connector_secrets", "manage", "all")
MANAGE_API_KEYS = ("manage_own_api_key", "manage_api_key", "manage_security", "all")
MONITOR = ("monitor", "manage", "all")
SUPERUSER = ("all",)


def _connector(action: str, granted_by: tuple[str, ...] = MANAGE_CONNECTOR) -> Action:
    return Action(CONNECTOR + action, granted_by)


ROUTES: dict[tuple[str, str], Action] = {
    ("meta.root", "GET"): Action("cluster:monitor/main", AUTHENTICATED),
    ("connectors.create_connector_with_generated_id", "POST"): _connector("post"),
    ("connectors.create_connector_with_generated_id", "PUT"): _connector("put"),
    ("connectors.put_connector", "PUT"): _connector("put"),
    ("connectors.get_connector", "GET"): _connector("get", MONITOR_CONNECTOR),
    ("connectors.list_connectors", "GET"): _connector("list", MONITOR_CONNECTOR),
    ("connectors.delete_connector", "DELETE"): _connector("delete"),
    ("connectors.update_last_sync", "PUT"): _connector("update_last_sync_stats"),
    ("connector_updates.check_in", "PUT"): _connector("update_last_seen"),
    ("connector_updates.update_api_key_id", "PUT"): _connector("update_api_key_id"),
    ("connector_updates.update_error", "PUT"): _connector("update_error"),
    ("connector_updates.update_features", "PUT"): _connector("update_features"),
    ("connector_updates.update_index_name", "PUT"): _connector("update_index_name"),
    ("connector_updates.update_name", "PUT"): _connector("update_name"),
    ("connector_updates.update_native", "PUT"): _connector("update_native"),
    ("connector_updates.update_pipeline", "PUT"): _connector("update_pipeline"),
    ("connector_updates.update_scheduling", "PUT"): _connector("update_scheduling"),
    ("connector_updates.update_service_type", "PUT"): _connector("update_service_type"),
    ("connector_updates.update_status", "PUT"): _connector("update_status"),
    ("configuration.update_configuration", "PUT"): _connector("update_configuration"),
    ("filtering.update_filtering", "PUT"): _connector("update_filtering"),
    ("filtering.activate_filtering", "PUT"): _connector("update_filtering/activate"),
    ("filtering.update_filtering_validation", "PUT"): _connector("update_filtering/draft_validation"),
    ("sync_jobs.post_sync_job", "POST"): _connector("sync_job/post"),
    ("sync_jobs.get_sync_job", "GET"): _connector("sync_job/get", MONITOR_CONNECTOR),
    ("sync_jobs.list_sync_jobs", "GET"): _connector("sync_job/list", MONITOR_CONNECTOR),
    ("sync_jobs.delete_sync_job", "DELETE"): _connector("sync_job/delete"),
    ("sync_jobs.cancel_sync_job", "PUT"): _connector("sync_job/cancel"),
    ("sync_jobs.check_in_sync_job", "PUT"): _connector("sync_job/check_in"),
    ("sync_jobs.claim_sync_job", "PUT"): _connector("sync_job/claim"),
    ("sync_jobs.set_sync_job_error", "PUT"): _connector("sync_job/update_error"),
    ("sync_jobs.update_sync_job_stats", "PUT"): _connector("sync_job/update_stats"),
    ("secrets.post_secret", "POST"): _connector("secret/post", WRITE_SECRETS),
    ("secrets.put_secret", "PUT"): _connector("secret/put", WRITE_SECRETS),
    ("secrets.get_secret", "GET"): _connector("secret/get", READ_SECRETS),
    ("secrets.delete_secret", "DELETE"): _connector("secret/delete", WRITE_SECRETS),
    ("security.create_api_key", "POST"): Action(SECURITY + "api_key/create", MANAGE_API_KEYS),
    ("security.create_api_key", "PUT"): Action(SECURITY + "api_key/create", MANAGE_API_KEYS),
    ("security.invalidate_api_key", "DELETE"): Action(SECURITY + "api_key/invalidate", MANAGE_API_KEYS),
    ("security.authenticate", "GET"): Action(SECURITY + "user/authenticate", AUTHENTICATED),
    ("health.cluster_health", "GET"): Action("cluster:monitor/health", AUTHENTICATED),
    ("health.prometheus_metrics", "GET"): Action("cluster:monitor/connector_api/prometheus", MONITOR),
    ("testing.reset", "POST"): Action("cluster:admin/connector_api/reset", SUPERUSER),
    ("docs.openapi", "GET"): Action("cluster:monitor/connector_api/openapi", AUTHENTICATED),
    ("docs.docs", "GET"): Action("cluster:monitor/connector_api/docs", AUTHENTICATED),
}

UNMAPPED = "cluster:admin/connector_api/unmapped"


def action_for(endpoint: str, method: str) -> Action:
    """The action a request to `endpoint` performs; a route the table lacks is for `all` only."""
    key = (endpoint, "GET" if method == "HEAD" else method)
    found = ROUTES.get(key)
    if found is not None:
        return found
    if method == "OPTIONS":
        return Action(UNMAPPED, AUTHENTICATED)
    return Action(UNMAPPED, SUPERUSER)
