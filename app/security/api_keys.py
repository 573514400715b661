"""API keys: created, verified and invalidated in the storage, so every worker and instance sees them.

A key is an id (20 characters, as Elasticsearch generates document ids) and a secret of 192
random bits, shown once at creation; clients send `Authorization: ApiKey base64(id:secret)`
(the `encoded` field of the creation response). The storage keeps only the SHA-256 of the
secret: with nothing to guess in 192 random bits, a slow password hash would add no strength,
only latency. Verification reads the key by id, compares digests with `hmac.compare_digest`,
and rejects invalidated and expired keys with Elasticsearch's reasons.

A key's privileges are the union of its role descriptors' cluster privileges, limited by what
its owner held when it was created (Elasticsearch's `limited_by_role_descriptors`); a key
without descriptors has its owner's privileges. Keys made by the CLI have no owner limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from app.errors import IllegalArgument
from app.security.actions import SECURITY, Action
from app.security.errors import access_denied
from app.security.principals import ApiKeyGrant, Principal
from app.security.requests import KeySelection, NewApiKey
from app.services.connectors import generate_id
from storage import Storage
from storage.documents import Search, Term, update_document
from storage.errors import DocumentNotFound
from storage.indices import API_KEYS

SECRET_BYTES = 24
MAX_KEYS_PER_INVALIDATION = 10_000
"""Elasticsearch's default `index.max_result_window`: the most keys one invalidation reaches."""
MANAGE_ANY_KEY = ("manage_api_key", "manage_security", "all")
"""The privileges that invalidate any key (`manage_own_api_key` reaches only the caller's own)."""
DERIVED_KEY_ERROR = "creating derived api keys requires an explicit role descriptor that is empty (has no privileges)"


class ApiKeyRejected(Exception):
    """A presented key that does not authenticate; the message is Elasticsearch's reason."""


@dataclass(frozen=True, slots=True)
class Owner:
    username: str
    realm: str
    limited_by: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    id: str
    name: str
    api_key: str
    expiration: int | None

    def as_response(self) -> dict[str, Any]:
        """Elasticsearch's creation response: `expiration` (epoch ms) only for expiring keys."""
        body: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.expiration is not None:
            body["expiration"] = self.expiration
        body["api_key"] = self.api_key
        body["encoded"] = base64.b64encode(f"{self.id}:{self.api_key}".encode()).decode()
        return body


@dataclass(frozen=True, slots=True)
class Invalidation:
    invalidated: list[str]
    previously_invalidated: list[str]

    def as_response(self) -> dict[str, Any]:
        return {
            "invalidated_api_keys": self.invalidated,
            "previously_invalidated_api_keys": self.previously_invalidated,
            "error_count": 0,
        }


def owner_of(principal: Principal, request: NewApiKey) -> Owner:
    """Who owns a key `principal` creates, and the limit on it; a key may only derive an empty key."""
    if principal.api_key is None:
        return Owner(principal.username, principal.realm, principal.privileges)
    if not request.role_descriptors or request.privileges():
        raise IllegalArgument(DERIVED_KEY_ERROR)
    return Owner(principal.username, principal.realm, frozenset())


def check_invalidation_scope(principal: Principal, selection: KeySelection) -> None:
    """With `manage_own_api_key` alone a caller invalidates only its own keys, and must say so:
    `owner: true`, its own `username` and `realm_name`, or (an API key) its own id."""
    if principal.holds(MANAGE_ANY_KEY):
        return
    own = (
        selection.owner
        or (selection.username == principal.username and selection.realm_name == principal.realm)
        or (principal.api_key is not None and selection.ids == (principal.api_key.id,))
    )
    if not own:
        raise access_denied(principal, Action(SECURITY + "api_key/invalidate", MANAGE_ANY_KEY))


async def create_api_key(storage: Storage, owner: Owner, request: NewApiKey, now_ms: int) -> CreatedApiKey:
    key_id, secret = generate_id(), secrets.token_urlsafe(SECRET_BYTES)
    expiration = None if request.expiration_ms is None else now_ms + request.expiration_ms
    document = {
        "doc_type": "api_key",
        "name": request.name,
        "creation_time": now_ms,
        "expiration_time": expiration,
        "api_key_invalidated": False,
        "invalidation_time": None,
        "api_key_hash": _digest(secret),
        "role_descriptors": request.role_descriptors or {},
        "limited_by": None if owner.limited_by is None else sorted(owner.limited_by),
        "creator": {"principal": owner.username, "realm": owner.realm},
        "metadata": request.metadata,
    }
    await storage.create_document(API_KEYS, key_id, document)
    return CreatedApiKey(key_id, request.name, secret, expiration)


async def verify_api_key(storage: Storage, key_id: str, secret: str, now_ms: int) -> tuple[Owner, ApiKeyGrant]:
    """The owner and grant of a valid key; `ApiKeyRejected` with Elasticsearch's reason otherwise."""
    stored = await storage.get_document(API_KEYS, key_id) if key_id else None
    if stored is None:
        raise ApiKeyRejected(f"unable to find apikey with id {key_id}")
    source = stored.source
    if source.get("api_key_invalidated"):
        raise ApiKeyRejected(f"api key [{key_id}] has been invalidated")
    if not hmac.compare_digest(str(source.get("api_key_hash", "")), _digest(secret)):
        raise ApiKeyRejected(f"invalid credentials for API key [{key_id}]")
    expiration = source.get("expiration_time")
    if expiration is not None and now_ms >= expiration:
        raise ApiKeyRejected("api key is expired")
    return _owner(source), _grant(key_id, source)


async def invalidate_api_keys(
    storage: Storage, selection: KeySelection, caller: Principal, now_ms: int
) -> Invalidation:
    """Invalidate the keys `selection` names (`owner`: the caller's own); report each key once."""
    invalidated: list[str] = []
    previously: list[str] = []

    def invalidate(source: dict[str, Any]) -> dict[str, Any]:
        if source.get("api_key_invalidated"):
            return source
        return {**source, "api_key_invalidated": True, "invalidation_time": now_ms}

    for key_id in await _selected(storage, selection, caller):
        try:
            result = await update_document(storage, API_KEYS, key_id, invalidate)
        except DocumentNotFound:
            continue
        (previously if result.result == "noop" else invalidated).append(key_id)
    return Invalidation(invalidated, previously)


async def any_active_key(storage: Storage) -> bool:
    """Whether the storage holds a key that is not invalidated (expired keys count)."""
    page = await storage.search(API_KEYS, Search(terms=(Term("invalidated", (False,)),), limit=1))
    return page.total > 0


async def _selected(storage: Storage, selection: KeySelection, caller: Principal) -> list[str]:
    terms: list[Term] = []
    if selection.name:
        terms.append(Term("name", (selection.name,)))
    username = caller.username if selection.owner else selection.username
    realm = caller.realm if selection.owner else selection.realm_name
    if username:
        terms.append(Term("username", (username,)))
    if realm:
        terms.append(Term("realm", (realm,)))
    if selection.ids is not None:
        found = [await storage.get_document(API_KEYS, key_id) for key_id in dict.fromkeys(selection.ids)]
        return [doc.id for doc in found if doc is not None and _matches(doc.source, username, realm)]
    page = await storage.search(API_KEYS, Search(terms=tuple(terms), limit=MAX_KEYS_PER_INVALIDATION))
    return [doc.id for doc in page.documents]


def _matches(source: dict[str, Any], username: str | None, realm: str | None) -> bool:
    creator = source.get("creator") or {}
    same_user = username is None or creator.get("principal") == username
    return same_user and (realm is None or creator.get("realm") == realm)


def _owner(source: dict[str, Any]) -> Owner:
    creator = source.get("creator") or {}
    limited_by = source.get("limited_by")
    return Owner(str(creator.get("principal", "")), str(creator.get("realm", "")), _set_or_none(limited_by))


def _grant(key_id: str, source: dict[str, Any]) -> ApiKeyGrant:
    descriptors = source.get("role_descriptors") or {}
    privileges = (
        frozenset().union(*(frozenset(role.get("cluster", [])) for role in descriptors.values()))
        if descriptors
        else None
    )
    expiration = source.get("expiration_time")
    return ApiKeyGrant(
        id=key_id,
        name=str(source.get("name", "")),
        privileges=None if privileges is None else frozenset(name.lower() for name in privileges),
        limited_by=_set_or_none(source.get("limited_by")),
        expires_at=None if expiration is None else expiration / 1000,
    )


def _set_or_none(values: Any) -> frozenset[str] | None:
    return None if values is None else frozenset(str(value) for value in values)


def _digest(secret: str) -> str:
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()
