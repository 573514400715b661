"""Secure by default: whether authentication is on, and when the server must refuse to start.

- Users in the users file, or API keys in the storage: authentication is on, on every address.
- Neither, on a loopback address: off (a developer's machine; nothing else can connect).
- Neither, on any other address: the server refuses to start, unless `insecure` (`--insecure`)
  says to serve without authentication anyway, which is logged as a warning.

The address is the `host` setting; a host name other than `localhost` counts as not loopback.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})


@dataclass(frozen=True, slots=True)
class Decision:
    enabled: bool
    refusal: str | None = None
    warning: str | None = None


def is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def decide(host: str, port: int, *, has_users: bool, has_keys: bool, insecure: bool) -> Decision:
    if has_users or has_keys:
        return Decision(enabled=True)
    if is_loopback(host):
        return Decision(enabled=False)
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    if insecure:
        return Decision(
            enabled=False,
            warning=f"serving {url} WITHOUT authentication (--insecure): anyone who can reach this address "
            "can read and change every connector, sync job and secret",
        )
    return Decision(
        enabled=False,
        refusal=f"refusing to serve {url} without authentication: no users file and no API key is configured. "
        "Set users_file (--users-file PATH, see config/users.example.toml) or create an API key "
        "(connector-api api-key create), listen on a loopback address (--host 127.0.0.1), "
        "or pass --insecure to serve without authentication anyway",
    )
