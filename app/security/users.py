"""The users file: users, their Argon2id password hashes and their roles; roles and their privileges.

```toml
[roles.connector_reader]
cluster = ["monitor_connector"]          # Elasticsearch's cluster privilege names

[users.alice]
password_hash = "$argon2id$v=19$..."     # `connector-api users hash-password`
roles = ["connector_reader"]             # roles defined here, or the reserved `superuser`
```

The file is read once when the server starts; a change needs a restart. Anything wrong in it
(an unknown key, privilege or role, a password that is not an Argon2id hash) is an error that
stops the start, naming the file and the entry, never a silently weaker or stronger role.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.security.passwords import is_password_hash
from app.security.privileges import RESERVED_ROLES, normalised, unknown_privileges


class UsersFileError(ValueError):
    """The users file cannot be used; the message is one line naming the file and the problem."""


@dataclass(frozen=True, slots=True)
class User:
    username: str
    password_hash: str
    roles: tuple[str, ...]
    privileges: frozenset[str]


@dataclass(frozen=True, slots=True)
class UserDirectory:
    users: Mapping[str, User]
    roles: Mapping[str, frozenset[str]]

    def __bool__(self) -> bool:
        return bool(self.users)

    def get(self, username: str) -> User | None:
        return self.users.get(username)


EMPTY = UserDirectory({}, dict(RESERVED_ROLES))


def load_users(path: str | Path) -> UserDirectory:
    """The users and roles of the TOML file at `path`."""
    document = _read(Path(path))
    problems = set(document) - {"roles", "users"}
    if problems:
        first = sorted(problems)[0]
        raise UsersFileError(f"users file {path}: unknown section [{first}]; expected [roles] and [users]")
    roles = _roles(path, _table(path, document, "roles"))
    users = {name: _user(path, name, entry, roles) for name, entry in _table(path, document, "users").items()}
    return UserDirectory(users, roles)


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise UsersFileError(f"users file {path} does not exist") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise UsersFileError(f"cannot read users file {path}: {error}") from None


def _table(path: str | Path, document: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise UsersFileError(f"users file {path}: [{name}] must be a table")
    return value


def _roles(path: str | Path, entries: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    roles = dict(RESERVED_ROLES)
    for name, entry in entries.items():
        where = f"users file {path}: role [{name}]"
        if name in RESERVED_ROLES:
            raise UsersFileError(f"{where} is reserved and cannot be redefined")
        cluster = _strings(where, _entry(where, entry, {"cluster", "description"}), "cluster")
        unknown = unknown_privileges(cluster)
        if unknown:
            raise UsersFileError(f"{where} has unknown cluster privilege [{unknown[0]}]")
        roles[name] = normalised(cluster)
    return roles


def _user(path: str | Path, name: str, entry: Any, roles: Mapping[str, frozenset[str]]) -> User:
    where = f"users file {path}: user [{name}]"
    fields = _entry(where, entry, {"password_hash", "roles"})
    password_hash = fields.get("password_hash")
    if not isinstance(password_hash, str) or not is_password_hash(password_hash):
        raise UsersFileError(f"{where} needs password_hash, an Argon2id hash (connector-api users hash-password)")
    assigned = _strings(where, fields, "roles")
    for role in assigned:
        if role not in roles:
            raise UsersFileError(f"{where} has role [{role}], which is not defined under [roles]")
    privileges = frozenset().union(*(roles[role] for role in assigned))
    return User(name, password_hash, tuple(sorted(set(assigned))), privileges)


def _entry(where: str, entry: Any, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise UsersFileError(f"{where} must be a table")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise UsersFileError(f"{where} has unknown key [{unknown[0]}]; expected {', '.join(sorted(allowed))}")
    return entry


def _strings(where: str, fields: Mapping[str, Any], key: str) -> list[str]:
    value = fields.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsersFileError(f"{where}: {key} must be a list of strings")
    return value
