"""The action table covers every route, and grants what Elasticsearch's privileges grant."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from app import create_app
from app.security.actions import AUTHENTICATED, ROUTES, SUPERUSER, UNMAPPED, action_for
from app.security.privileges import ACTING, KNOWN
from config.settings import Settings

CONNECTOR = "cluster:admin/xpack/connector/"
API_KEY = "cluster:admin/xpack/security/api_key/"
SECRET_ACTIONS = tuple(CONNECTOR + f"secret/{verb}" for verb in ("get", "post", "put", "delete"))
ES_PATTERNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "monitor_connector": (tuple(CONNECTOR + name for name in ("get", "list", "sync_job/get", "sync_job/list")), ()),
    "manage_connector": ((CONNECTOR + "*",), SECRET_ACTIONS),
    "read_connector_secrets": ((CONNECTOR + "secret/get",), ()),
    "write_connector_secrets": (SECRET_ACTIONS[1:], ()),
    "monitor": (("cluster:monitor/*",), ()),
    "manage": (("cluster:*",), ("cluster:admin/xpack/security/*",)),
    "all": (("cluster:*",), ()),
    "manage_api_key": (("cluster:admin/xpack/security/api_key/*",), ()),
    "manage_own_api_key": (tuple(f"{API_KEY}{verb}" for verb in ("create", "invalidate")), ()),
    "manage_security": (("cluster:admin/xpack/security/*",), ()),
}
"""ClusterPrivilegeResolver's patterns (included, excluded) for the privileges this server acts on."""
ES_ORDER = [
    "manage_own_api_key", "monitor_connector", "read_connector_secrets", "write_connector_secrets",
    "manage_api_key", "manage_connector", "monitor", "manage_security", "manage", "all",
]
"""`sortByAccessLevel`: fewest implied privileges first, then by name (`[monitor,manage,all]` in ES's own tests)."""
OPEN_TO_ANY_CALLER = {
    "cluster:monitor/main",
    "cluster:monitor/health",
    "cluster:admin/xpack/security/user/authenticate",
    "cluster:monitor/connector_api/openapi",
    "cluster:monitor/connector_api/docs",
}
"""Routes any authenticated caller may use: they show no data (Elasticsearch asks `monitor` for the first two)."""


def registered_routes() -> set[tuple[str, str]]:
    app = create_app(Settings(storage="memory://", test_mode=True))
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }


def es_granting(action: str) -> list[str]:
    def grants(privilege: str) -> bool:
        included, excluded = ES_PATTERNS[privilege]
        matches = any(fnmatchcase(action, pattern) for pattern in included)
        return matches and not any(fnmatchcase(action, pattern) for pattern in excluded)

    return [privilege for privilege in ES_ORDER if grants(privilege)]


def test_every_registered_route_has_an_action() -> None:
    missing = sorted(registered_routes() - set(ROUTES))

    assert missing == [], f"routes without an entry in app.security.actions.ROUTES: {missing}"


def test_every_action_names_a_registered_route() -> None:
    assert sorted(set(ROUTES) - registered_routes()) == []


@pytest.mark.parametrize(("endpoint", "method"), sorted(ROUTES))
def test_elasticsearch_actions_are_granted_by_the_privileges_elasticsearch_names(endpoint: str, method: str) -> None:
    action = ROUTES[(endpoint, method)]
    if action.name in OPEN_TO_ANY_CALLER:
        assert action.granted_by == AUTHENTICATED
    elif "/connector_api/" in action.name:
        assert action.granted_by, "this server's own routes need a privilege, or a place in OPEN_TO_ANY_CALLER"
    else:
        assert list(action.granted_by) == es_granting(action.name)


def test_connector_routes_use_elasticsearchs_connector_action_names() -> None:
    names = {action.name for (endpoint, _), action in ROUTES.items() if endpoint.split(".")[0] in
             ("connectors", "connector_updates", "configuration", "filtering", "sync_jobs", "secrets")}

    assert all(name.startswith(CONNECTOR) for name in names)
    assert len(names) == 34


def test_every_granting_privilege_is_one_this_server_acts_on() -> None:
    used = {privilege for action in ROUTES.values() for privilege in action.granted_by}

    assert used <= set(ACTING) <= KNOWN


def test_head_is_authorised_as_get() -> None:
    assert action_for("connectors.get_connector", "HEAD") == ROUTES[("connectors.get_connector", "GET")]


def test_a_route_missing_from_the_table_is_for_superusers_only() -> None:
    action = action_for("someone.new_route", "PUT")

    assert (action.name, action.granted_by) == (UNMAPPED, SUPERUSER)


def test_options_requests_need_only_authentication() -> None:
    assert action_for("connectors.get_connector", "OPTIONS").granted_by == AUTHENTICATED
