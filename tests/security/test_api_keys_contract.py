"""API keys in the storage, on every backend: created hashed, verified, invalidated once."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from app.errors import IllegalArgument
from app.security.api_keys import (
    ApiKeyRejected,
    CreatedApiKey,
    Owner,
    any_active_key,
    create_api_key,
    invalidate_api_keys,
    owner_of,
    verify_api_key,
)
from app.security.principals import FILE_REALM, ApiKeyGrant, Principal
from app.security.requests import KeySelection, NewApiKey
from storage import Storage, open_storage
from storage.indices import API_KEYS

NOW = 1_700_000_000_000
ALICE = Owner("alice", FILE_REALM, frozenset({"manage_connector", "manage_api_key"}))
BOB = Owner("bob", FILE_REALM, frozenset({"manage_api_key"}))
CALLER = Principal("alice", FILE_REALM)


async def new_key(storage: Storage, name: str = "ingest", owner: Owner = ALICE, expiration: int | None = None,
                  privileges: list[str] | None = None) -> CreatedApiKey:
    descriptors = None if privileges is None else {"role": {"cluster": privileges}}
    return await create_api_key(storage, owner, NewApiKey(name, descriptors, expiration), NOW)


async def rejection(storage: Storage, key_id: str, secret: str, now: int = NOW) -> str:
    with pytest.raises(ApiKeyRejected) as caught:
        await verify_api_key(storage, key_id, secret, now)
    return str(caught.value)


async def test_a_created_key_verifies_with_its_owner_and_privileges(storage: Storage) -> None:
    created = await new_key(storage, privileges=["monitor_connector"], expiration=60_000)

    owner, grant = await verify_api_key(storage, created.id, created.api_key, NOW + 1)

    assert owner == ALICE
    expires_at = (NOW + 60_000) / 1000
    assert grant == ApiKeyGrant(created.id, "ingest", frozenset({"monitor_connector"}), ALICE.limited_by, expires_at)
    assert created.as_response()["expiration"] == NOW + 60_000


async def test_the_storage_keeps_a_hash_of_the_secret_never_the_secret(storage: Storage) -> None:
    created = await new_key(storage)

    stored = await storage.get_document(API_KEYS, created.id)

    assert stored is not None
    assert created.api_key not in orjson.dumps(stored.source).decode()
    assert stored.source["api_key_hash"].startswith("sha256:")


async def test_a_key_without_role_descriptors_has_its_owners_privileges(storage: Storage) -> None:
    created = await new_key(storage)

    _, grant = await verify_api_key(storage, created.id, created.api_key, NOW)

    assert (grant.privileges, grant.limited_by) == (None, ALICE.limited_by)


async def test_wrong_secret_unknown_id_expired_and_invalidated_keys_are_rejected(storage: Storage) -> None:
    created = await new_key(storage, expiration=1_000)
    revoked = await new_key(storage, "revoked")
    await invalidate_api_keys(storage, KeySelection(ids=(revoked.id,)), CALLER, NOW)

    assert await rejection(storage, created.id, "guess") == f"invalid credentials for API key [{created.id}]"
    assert await rejection(storage, "missing", created.api_key) == "unable to find apikey with id missing"
    assert await rejection(storage, created.id, created.api_key, NOW + 1_000) == "api key is expired"
    assert await rejection(storage, revoked.id, revoked.api_key) == f"api key [{revoked.id}] has been invalidated"


async def test_invalidating_twice_reports_the_key_as_previously_invalidated(storage: Storage) -> None:
    created = await new_key(storage)
    selection = KeySelection(ids=(created.id, "no-such-key"))

    first = await invalidate_api_keys(storage, selection, CALLER, NOW)
    second = await invalidate_api_keys(storage, selection, CALLER, NOW)

    assert first.as_response() == {
        "invalidated_api_keys": [created.id], "previously_invalidated_api_keys": [], "error_count": 0
    }
    assert second.as_response() == {
        "invalidated_api_keys": [], "previously_invalidated_api_keys": [created.id], "error_count": 0
    }


async def test_two_concurrent_invalidations_invalidate_the_key_once(storage: Storage) -> None:
    for _ in range(3):
        created = await new_key(storage)
        selection = KeySelection(ids=(created.id,))

        results = await asyncio.gather(*(invalidate_api_keys(storage, selection, CALLER, NOW) for _ in range(2)))

        assert sorted(len(result.invalidated) for result in results) == [0, 1]
        assert sum(len(result.previously_invalidated) for result in results) == 1


async def test_invalidation_by_name_owner_and_username_reaches_only_those_keys(storage: Storage) -> None:
    alices = [await new_key(storage, "shared"), await new_key(storage, "other")]
    bobs = await new_key(storage, "shared", owner=BOB)

    by_name = await invalidate_api_keys(storage, KeySelection(name="shared"), CALLER, NOW)
    owned = await invalidate_api_keys(storage, KeySelection(owner=True), CALLER, NOW)
    bobs_own = await invalidate_api_keys(storage, KeySelection(username="bob", realm_name=FILE_REALM), CALLER, NOW)

    assert sorted(by_name.invalidated) == sorted([alices[0].id, bobs.id])
    assert (owned.invalidated, sorted(owned.previously_invalidated)) == ([alices[1].id], [alices[0].id])
    assert (bobs_own.invalidated, bobs_own.previously_invalidated) == ([], [bobs.id])


async def test_owner_scoped_ids_leave_other_users_keys_alone(storage: Storage) -> None:
    bobs = await new_key(storage, owner=BOB)

    result = await invalidate_api_keys(storage, KeySelection(ids=(bobs.id,), owner=True), CALLER, NOW)

    assert (result.invalidated, result.previously_invalidated) == ([], [])
    assert await verify_api_key(storage, bobs.id, bobs.api_key, NOW)


async def test_any_active_key_tells_whether_a_usable_key_exists(storage: Storage) -> None:
    assert not await any_active_key(storage)
    created = await new_key(storage)
    assert await any_active_key(storage)
    await invalidate_api_keys(storage, KeySelection(ids=(created.id,)), CALLER, NOW)
    assert not await any_active_key(storage)


async def test_an_invalidation_is_seen_by_every_other_instance_on_the_storage(storage: Storage) -> None:
    if storage.url.startswith("memory"):
        pytest.skip("memory:// storage belongs to one process")
    created = await new_key(storage)
    other = open_storage(storage.url)
    await other.open()
    try:
        assert await verify_api_key(other, created.id, created.api_key, NOW)
        await invalidate_api_keys(storage, KeySelection(ids=(created.id,)), CALLER, NOW)
        assert await rejection(other, created.id, created.api_key) == f"api key [{created.id}] has been invalidated"
    finally:
        await other.close()


def test_a_user_owns_keys_limited_by_its_privileges_and_an_api_key_may_only_derive_empty_keys() -> None:
    user = Principal("alice", FILE_REALM, ("writer",), frozenset({"manage_connector"}))
    key = Principal("alice", FILE_REALM, api_key=ApiKeyGrant("id", "k", None, frozenset({"all"}), None))

    assert owner_of(user, NewApiKey("k")) == Owner("alice", FILE_REALM, frozenset({"manage_connector"}))
    assert owner_of(key, NewApiKey("k", {"empty": {}})) == Owner("alice", FILE_REALM, frozenset())
    for request in (NewApiKey("k"), NewApiKey("k", {"r": {"cluster": ["manage"]}})):
        with pytest.raises(IllegalArgument) as caught:
            owner_of(key, request)
        assert caught.value.reason == (
            "creating derived api keys requires an explicit role descriptor that is empty (has no privileges)"
        )
