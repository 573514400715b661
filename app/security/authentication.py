"""Who sends a request: HTTP Basic against the users file, or an Elasticsearch API key.

Verifying a password costs an Argon2id computation (tens of milliseconds, on a worker thread so
the event loop keeps serving), and an API key a storage read. Each success is remembered in a
`CredentialCache` keyed by an HMAC of the presented credentials, so a client that keeps sending
the same header pays that once per time to live:

- users: `USER_CACHE_SECONDS` (the users file only changes with a restart, which empties it);
- API keys: `API_KEY_CACHE_SECONDS`, and never past the key's expiry. An invalidation reaches
  every worker and instance through the storage, and takes effect within this time everywhere.

Failures are not cached, and they answer Elasticsearch's 401 reasons.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import time
from collections.abc import Callable

from app.security.api_keys import ApiKeyRejected, verify_api_key
from app.security.cache import CredentialCache
from app.security.errors import AuthenticationFailed, missing_credentials, rejected_api_key, wrong_user_credentials
from app.security.passwords import burn_verification, verify_password
from app.security.principals import FILE_REALM, Principal
from app.security.users import UserDirectory
from storage import Storage

USER_CACHE_SECONDS = 60.0
API_KEY_CACHE_SECONDS = 5.0

BASIC = "basic "
API_KEY = "apikey "
INVALID_API_KEY = "invalid ApiKey value"


class Authenticator:
    def __init__(
        self,
        users: UserDirectory,
        *,
        user_ttl: float = USER_CACHE_SECONDS,
        api_key_ttl: float = API_KEY_CACHE_SECONDS,
    ) -> None:
        self.users = users
        self.user_cache: CredentialCache[Principal] = CredentialCache(user_ttl)
        self.api_key_cache: CredentialCache[Principal] = CredentialCache(api_key_ttl)

    async def authenticate(self, header: str | None, uri: Callable[[], str], storage: Storage) -> Principal:
        """The principal the `Authorization` header proves; `AuthenticationFailed` (401) otherwise.

        `uri` gives the request's URI for the error messages, only when one is needed.
        """
        if header:
            scheme = header[: len(API_KEY)].lower()
            if scheme.startswith(BASIC):
                return await self._basic(header[len(BASIC) :], uri)
            if scheme == API_KEY and len(header) > len(API_KEY):
                return await self._api_key(header[len(API_KEY) :], storage)
        raise missing_credentials(uri())

    async def _basic(self, credentials: str, uri: Callable[[], str]) -> Principal:
        fingerprint = self.user_cache.fingerprint(b"basic", credentials.encode())
        cached = self.user_cache.get(fingerprint)
        if cached is not None:
            return cached
        username, password = _basic_parts(credentials)
        user = self.users.get(username)
        if user is None:
            await asyncio.to_thread(burn_verification, password)
            raise wrong_user_credentials(username, uri())
        if not await asyncio.to_thread(verify_password, user.password_hash, password):
            raise wrong_user_credentials(username, uri())
        principal = Principal(user.username, FILE_REALM, user.roles, user.privileges)
        self.user_cache.put(fingerprint, principal)
        return principal

    async def _api_key(self, credentials: str, storage: Storage) -> Principal:
        fingerprint = self.api_key_cache.fingerprint(b"apikey", credentials.encode())
        cached = self.api_key_cache.get(fingerprint)
        if cached is not None:
            return cached
        key_id, secret = _api_key_parts(credentials)
        now = time.time()
        try:
            owner, grant = await verify_api_key(storage, key_id, secret, int(now * 1000))
        except ApiKeyRejected as rejection:
            raise rejected_api_key(str(rejection)) from None
        principal = Principal(owner.username, owner.realm, api_key=grant)
        lifetime = None if grant.expires_at is None else grant.expires_at - now
        self.api_key_cache.put(fingerprint, principal, lifetime=lifetime)
        return principal


def _basic_parts(credentials: str) -> tuple[str, str]:
    text = credentials.strip()
    if not text:
        raise AuthenticationFailed("invalid basic authentication header value")
    try:
        decoded = _base64(text).decode("utf-8", errors="replace")
    except ValueError:
        raise AuthenticationFailed("invalid basic authentication header encoding") from None
    username, colon, password = decoded.partition(":")
    if not colon:
        raise AuthenticationFailed("invalid basic authentication header value")
    return username, password


def _api_key_parts(credentials: str) -> tuple[str, str]:
    try:
        decoded = _base64(credentials.strip()).decode("utf-8")
    except ValueError:
        raise rejected_api_key(INVALID_API_KEY) from None
    key_id, colon, secret = decoded.partition(":")
    if not colon:
        raise rejected_api_key(INVALID_API_KEY)
    return key_id, secret


def _base64(text: str) -> bytes:
    """Strict base64 (as Java's decoder), the final padding optional."""
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error as error:
        raise ValueError(str(error)) from None
