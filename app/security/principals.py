"""Who a request comes from, once authenticated: a user of the users file, or an API key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FILE_REALM = "default_file"
"""The realm Elasticsearch names for users defined in a file (`name` of the file realm)."""
FILE_REALM_TYPE = "file"
CLI_REALM = "cli"
"""The realm recorded as the creator of API keys made with `connector-api api-key create`."""
API_KEY_REALM = "_es_api_key"


@dataclass(frozen=True, slots=True)
class ApiKeyGrant:
    """A valid API key, as authentication found it."""

    id: str
    name: str
    privileges: frozenset[str] | None
    """The union of its role descriptors' cluster privileges; None: it has no descriptors and
    inherits its owner's privileges (`limited_by`)."""
    limited_by: frozenset[str] | None
    """The owner's privileges when the key was created; None: unlimited (keys made by the CLI)."""
    expires_at: float | None
    """Epoch seconds, or None for a key that never expires."""


@dataclass(frozen=True, slots=True)
class Principal:
    username: str
    realm: str
    roles: tuple[str, ...] = ()
    privileges: frozenset[str] = frozenset()
    api_key: ApiKeyGrant | None = None

    def holds(self, granting: tuple[str, ...]) -> bool:
        """Whether this principal has one of the privileges in `granting` (empty: anyone has)."""
        if not granting:
            return True
        if self.api_key is None:
            return not self.privileges.isdisjoint(granting)
        key, owner = self.api_key.privileges, self.api_key.limited_by
        return (key is None or not key.isdisjoint(granting)) and (owner is None or not owner.isdisjoint(granting))

    def description(self) -> str:
        """How Elasticsearch names the caller in a 403."""
        if self.api_key is not None:
            return f"API key id [{self.api_key.id}] of user [{self.username}]"
        return f"user [{self.username}] with effective roles [{','.join(self.roles)}]"

    def as_authenticate_response(self) -> dict[str, Any]:
        """`GET /_security/_authenticate`, shaped as Elasticsearch answers it."""
        if self.api_key is None:
            realm = {"name": self.realm, "type": FILE_REALM_TYPE if self.realm == FILE_REALM else self.realm}
            kind, roles = "realm", list(self.roles)
        else:
            realm = {"name": API_KEY_REALM, "type": API_KEY_REALM}
            kind, roles = "api_key", []
        body: dict[str, Any] = {
            "username": self.username,
            "roles": roles,
            "full_name": None,
            "email": None,
            "metadata": {},
            "enabled": True,
            "authentication_realm": realm,
            "lookup_realm": realm,
            "authentication_type": kind,
        }
        if self.api_key is not None:
            body["api_key"] = {"id": self.api_key.id, "name": self.api_key.name}
        return body
