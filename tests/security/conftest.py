"""Users for the security tests: one per role, each named after its role, password `<name>-password`."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from argon2 import PasswordHasher

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""Argon2id with small parameters: a verification reads them from the hash, so tests stay fast."""

ROLES: dict[str, list[str]] = {
    "reader": ["monitor_connector"],
    "writer": ["manage_connector"],
    "secret_reader": ["read_connector_secrets"],
    "secret_writer": ["write_connector_secrets"],
    "key_manager": ["manage_api_key", "manage_connector"],
    "own_keys": ["manage_own_api_key", "monitor_connector"],
    "manager": ["manage"],
    "nothing": [],
    "ml_only": ["manage_ml"],
    "monitor_only": ["monitor"],
}
USERS: dict[str, list[str]] = {name: [name] for name in ROLES} | {"root": ["superuser"]}


def password(user: str) -> str:
    return f"{user}-password"


def basic(user: str, secret: str | None = None) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password(user) if secret is None else secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def api_key(encoded: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey {encoded}"}


def encoded(key_id: str, secret: str) -> str:
    return base64.b64encode(f"{key_id}:{secret}".encode()).decode()


def users_file_text() -> str:
    lines = []
    for role, privileges in ROLES.items():
        lines += [f"[roles.{role}]", f"cluster = {privileges!r}".replace("'", '"'), ""]
    for user, roles in USERS.items():
        lines += [f"[users.{user}]", f'password_hash = "{FAST_HASHER.hash(password(user))}"']
        lines += [f"roles = {roles!r}".replace("'", '"'), ""]
    return "\n".join(lines)


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("security") / "users.toml"
    path.write_text(users_file_text(), encoding="utf-8")
    return path
