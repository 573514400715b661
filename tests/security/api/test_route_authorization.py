"""Every route of the action table, refused to every kind of bad or insufficient credential.

For each route: no credentials, a wrong password, an unknown API key, a wrong key secret, an
expired key, an invalidated key (all 401 with Elasticsearch's reasons), then a key and a user
without the privilege (403 naming the action and the privileges that grant it); and a user
holding the route's least privilege gets through to the handler.
"""

from __future__ import annotations

import re

import pytest
from quart import Quart

from app.security.actions import ROUTES, Action
from app.security.api_keys import Owner, create_api_key, invalidate_api_keys
from app.security.errors import ANONYMOUS_DENIED
from app.security.principals import FILE_REALM, Principal
from app.security.requests import KeySelection, NewApiKey
from storage import Storage
from tests.api.conftest import Api, error_of
from tests.security.conftest import api_key, basic, encoded

CHECKED = sorted(key for key in ROUTES if key[0] not in ("testing.reset", "static"))
USER_WITH = {
    "monitor_connector": "reader",
    "manage_connector": "writer",
    "read_connector_secrets": "secret_reader",
    "write_connector_secrets": "secret_writer",
    "manage_own_api_key": "own_keys",
    "monitor": "monitor_only",
}
ROOT = Owner("root", FILE_REALM, frozenset({"all"}))
CHALLENGES = ['Basic realm="security", charset="UTF-8"', "ApiKey"]


def path_of(app: Quart, endpoint: str) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    return re.sub(r"<[^>]+>", "some-id", rule.rule)


async def key_header(storage: Storage, name: str, *, privileges: list[str] | None = None, expiration: int | None = None,
                     now_ms: int = 1_700_000_000_000) -> tuple[str, dict[str, str]]:
    descriptors = None if privileges is None else {name: {"cluster": privileges}}
    created = await create_api_key(storage, ROOT, NewApiKey(name, descriptors, expiration), now_ms)
    return created.id, api_key(encoded(created.id, created.api_key))


async def assert_unauthenticated(api: Api, method: str, path: str, headers: dict[str, str], reason: str,
                                 unsuccessful: str | None = None) -> None:
    status, body = await api.call(method, path, {} if method in ("PUT", "POST") else None, headers=headers)
    assert status == 401, (headers, body)
    assert error_of(body) == ("security_exception", reason)
    assert body["error"].get("additional_unsuccessful_credentials") == unsuccessful
    assert body["error"]["header"] == {"WWW-Authenticate": CHALLENGES}


async def assert_forbidden(api: Api, method: str, path: str, headers: dict[str, str], reason: str) -> None:
    status, body = await api.call(method, path, {} if method in ("PUT", "POST") else None, headers=headers)
    assert status == 403, (headers, body)
    assert error_of(body) == ("security_exception", reason)


def denial(action: Action, who: str) -> str:
    return (
        f"action [{action.name}] is unauthorized for {who}, "
        f"this action is granted by the cluster privileges [{','.join(action.granted_by)}]"
    )


@pytest.mark.parametrize(("endpoint", "method"), CHECKED)
async def test_bad_credentials_never_get_through(
    app: Quart, api: Api, storage: Storage, endpoint: str, method: str
) -> None:
    path = path_of(app, endpoint)
    expired_id, expired = await key_header(storage, "expired", expiration=1, now_ms=0)
    revoked_id, revoked = await key_header(storage, "revoked")
    await invalidate_api_keys(storage, KeySelection(ids=(revoked_id,)), Principal("root", FILE_REALM), 1)
    valid_id, _ = await key_header(storage, "valid")

    await assert_unauthenticated(api, method, path, {}, f"missing authentication credentials for REST request [{path}]")
    await assert_unauthenticated(
        api, method, path, basic("writer", "wrong"), f"unable to authenticate user [writer] for REST request [{path}]"
    )
    unknown = "API key: unable to find apikey with id nope"
    await assert_unauthenticated(api, method, path, api_key(encoded("nope", "x")), ANONYMOUS_DENIED, unknown)
    await assert_unauthenticated(
        api, method, path, api_key(encoded(valid_id, "wrong")), ANONYMOUS_DENIED,
        f"API key: invalid credentials for API key [{valid_id}]",
    )
    await assert_unauthenticated(api, method, path, expired, ANONYMOUS_DENIED, "API key: api key is expired")
    await assert_unauthenticated(
        api, method, path, revoked, ANONYMOUS_DENIED, f"API key: api key [{revoked_id}] has been invalidated"
    )
    assert expired_id


@pytest.mark.parametrize(("endpoint", "method"), [key for key in CHECKED if ROUTES[key].granted_by])
async def test_callers_without_the_privilege_are_forbidden(
    app: Quart, api: Api, storage: Storage, endpoint: str, method: str
) -> None:
    path, action = path_of(app, endpoint), ROUTES[(endpoint, method)]
    weak_id, weak = await key_header(storage, "weak", privileges=["manage_ml"])

    await assert_forbidden(api, method, path, weak, denial(action, f"API key id [{weak_id}] of user [root]"))
    for user in ("nothing", "ml_only"):
        reason = denial(action, f"user [{user}] with effective roles [{user}]")
        await assert_forbidden(api, method, path, basic(user), reason)


@pytest.mark.parametrize(("endpoint", "method"), CHECKED)
async def test_a_caller_with_the_least_privilege_gets_to_the_handler(app: Quart, endpoint: str, method: str) -> None:
    path, action = path_of(app, endpoint), ROUTES[(endpoint, method)]
    user = USER_WITH.get(action.granted_by[0], "root") if action.granted_by else "nothing"

    json: dict[str, object] | None = {} if method in ("PUT", "POST") else None
    response = await app.test_client().open(path, method=method, json=json, headers=basic(user))

    assert response.status_code not in (401, 403), await response.get_data(as_text=True)


async def test_unauthenticated_answers_carry_both_challenges_and_no_product_header(app: Quart) -> None:
    response = await app.test_client().get("/_connector")

    assert response.status_code == 401
    assert response.headers.getlist("WWW-Authenticate") == CHALLENGES
    assert "X-Elastic-Product" not in response.headers


async def test_forbidden_answers_carry_no_product_header(app: Quart) -> None:
    response = await app.test_client().get("/_connector", headers=basic("nothing"))

    assert response.status_code == 403
    assert "X-Elastic-Product" not in response.headers
    assert "WWW-Authenticate" not in response.headers
