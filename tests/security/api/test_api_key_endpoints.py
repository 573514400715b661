"""`POST`/`DELETE /_security/api_key` and `GET /_security/_authenticate`, as Elasticsearch answers them."""

from __future__ import annotations

import asyncio
import base64

from quart import Quart

from app.security.errors import ANONYMOUS_DENIED
from tests.api.conftest import Api, error_of
from tests.security.api.conftest import create_key, security_of
from tests.security.conftest import api_key, basic

INVALIDATE_DENIED = (
    "action [cluster:admin/xpack/security/api_key/invalidate] is unauthorized for {who}, "
    "this action is granted by the cluster privileges [manage_api_key,manage_security,all]"
)


async def invalidate(api: Api, user: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    status, answer = await api.call("DELETE", "/_security/api_key", body, headers=basic(user))
    return status, answer


async def test_creation_answers_the_key_once_in_elasticsearchs_shape(api: Api) -> None:
    created = await create_key(api, "key_manager", {"name": "ingest", "expiration": "1d"})

    assert list(created) == ["id", "name", "expiration", "api_key", "encoded"]
    assert created["name"] == "ingest" and len(created["id"]) == 20
    assert base64.b64decode(created["encoded"]).decode() == f"{created['id']}:{created['api_key']}"
    assert isinstance(created["expiration"], int)


async def test_a_key_without_expiration_has_none_in_the_answer(api: Api) -> None:
    created = await create_key(api, "key_manager", {"name": "forever"})

    assert list(created) == ["id", "name", "api_key", "encoded"]


async def test_put_creates_a_key_too(api: Api) -> None:
    status, created = await api.put("/_security/api_key", {"name": "via-put"}, headers=basic("root"))

    assert (status, created["name"]) == (200, "via-put")


async def test_authenticate_describes_a_file_user(api: Api) -> None:
    status, body = await api.get("/_security/_authenticate", headers=basic("reader"))

    realm = {"name": "default_file", "type": "file"}
    assert (status, body) == (200, {
        "username": "reader", "roles": ["reader"], "full_name": None, "email": None, "metadata": {},
        "enabled": True, "authentication_realm": realm, "lookup_realm": realm, "authentication_type": "realm",
    })


async def test_authenticate_describes_an_api_key_and_its_owner(api: Api) -> None:
    created = await create_key(api, "key_manager", {"name": "probe"})

    status, body = await api.get("/_security/_authenticate", headers=api_key(created["encoded"]))

    assert status == 200
    assert (body["username"], body["roles"], body["authentication_type"]) == ("key_manager", [], "api_key")
    assert body["authentication_realm"] == {"name": "_es_api_key", "type": "_es_api_key"}
    assert body["api_key"] == {"id": created["id"], "name": "probe"}


async def test_an_invalidated_key_stops_authenticating(api: Api) -> None:
    created = await create_key(api, "key_manager", {"name": "short-lived"})

    status, result = await invalidate(api, "key_manager", {"ids": [created["id"]]})
    again = await invalidate(api, "key_manager", {"name": "short-lived"})
    status_after, body = await api.get("/_connector", headers=api_key(created["encoded"]))

    assert (status, result) == (200, {
        "invalidated_api_keys": [created["id"]], "previously_invalidated_api_keys": [], "error_count": 0
    })
    assert again == (200, {
        "invalidated_api_keys": [], "previously_invalidated_api_keys": [created["id"]], "error_count": 0
    })
    assert (status_after, error_of(body)) == (401, ("security_exception", ANONYMOUS_DENIED))
    reason = f"API key: api key [{created['id']}] has been invalidated"
    assert body["error"]["additional_unsuccessful_credentials"] == reason


async def test_a_cached_key_stops_working_within_the_cache_time_to_live(app: Quart, api: Api) -> None:
    security_of(app).authenticator.api_key_cache.ttl = 0.2
    created = await create_key(api, "key_manager", {"name": "cached"})
    key = api_key(created["encoded"])
    assert (await api.get("/_connector", headers=key))[0] == 200

    await invalidate(api, "key_manager", {"ids": [created["id"]]})
    still_cached = (await api.get("/_connector", headers=key))[0]
    await asyncio.sleep(0.25)
    expired_from_cache = (await api.get("/_connector", headers=key))[0]

    assert (still_cached, expired_from_cache) == (200, 401)


async def test_manage_own_api_key_invalidates_only_what_the_caller_says_is_its_own(api: Api) -> None:
    mine = await create_key(api, "own_keys", {"name": "mine"})
    theirs = await create_key(api, "key_manager", {"name": "theirs"})
    who = "user [own_keys] with effective roles [own_keys]"

    status, body = await invalidate(api, "own_keys", {"ids": [mine["id"]]})
    assert (status, error_of(body)) == (403, ("security_exception", INVALIDATE_DENIED.format(who=who)))
    status, body = await invalidate(api, "own_keys", {"ids": [mine["id"], theirs["id"]], "owner": True})
    assert (status, body["invalidated_api_keys"]) == (200, [mine["id"]])
    status, body = await invalidate(api, "own_keys", {"username": "own_keys", "realm_name": "default_file"})
    assert (status, body["previously_invalidated_api_keys"]) == (200, [mine["id"]])
    assert (await api.get("/_connector", headers=api_key(theirs["encoded"])))[0] == 200


async def test_an_api_key_may_invalidate_itself_by_id(api: Api) -> None:
    created = await create_key(api, "own_keys", {"name": "self"})
    key = api_key(created["encoded"])

    status, body = await api.call("DELETE", "/_security/api_key", {"ids": [created["id"]]}, headers=key)

    assert (status, body["invalidated_api_keys"]) == (200, [created["id"]])


async def test_an_api_key_may_only_create_keys_without_privileges(api: Api) -> None:
    parent = api_key((await create_key(api, "root", {"name": "parent"}))["encoded"])

    status, body = await api.post("/_security/api_key", {"name": "child"}, headers=parent)
    empty_child = await api.post("/_security/api_key", {"name": "child", "role_descriptors": {"r": {}}}, headers=parent)

    assert (status, error_of(body)) == (400, (
        "illegal_argument_exception",
        "creating derived api keys requires an explicit role descriptor that is empty (has no privileges)",
    ))
    assert empty_child[0] == 200
    child = api_key(empty_child[1]["encoded"])
    assert (await api.get("/_connector", headers=child))[0] == 403


async def test_bodies_are_required_and_validated(api: Api) -> None:
    root = basic("root")

    missing = await api.post("/_security/api_key", headers=root)
    nameless = await api.post("/_security/api_key", {"name": ""}, headers=root)
    unknown = await api.post("/_security/api_key", {"name": "k", "role_descriptors": {"r": {"cluster": ["x"]}}},
                             headers=root)

    assert (missing[0], error_of(missing[1])) == (400, ("parse_exception", "request body is required"))
    assert (nameless[0], error_of(nameless[1])) == (
        400, ("action_request_validation_exception", "Validation Failed: 1: api key name is required;")
    )
    assert unknown[0] == 400
    assert error_of(unknown[1])[1].startswith("Validation Failed: 1: unknown cluster privilege [x]. a privilege must")
