"""Secure by default: when authentication is on, and when the server refuses to start."""

from __future__ import annotations

import pytest

from app.security.exposure import decide, is_loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3", "192.168.1.5", "example.org", "my-host"])
def test_other_addresses_and_host_names_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize(("has_users", "has_keys"), [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
@pytest.mark.parametrize("insecure", [False, True])
def test_users_or_keys_turn_authentication_on_everywhere(
    host: str, has_users: bool, has_keys: bool, insecure: bool
) -> None:
    decision = decide(host, 9200, has_users=has_users, has_keys=has_keys, insecure=insecure)

    assert (decision.enabled, decision.refusal, decision.warning) == (True, None, None)


def test_loopback_without_users_or_keys_serves_without_authentication() -> None:
    decision = decide("127.0.0.1", 9200, has_users=False, has_keys=False, insecure=False)

    assert (decision.enabled, decision.refusal, decision.warning) == (False, None, None)


def test_any_other_address_without_users_or_keys_is_refused() -> None:
    decision = decide("0.0.0.0", 9200, has_users=False, has_keys=False, insecure=False)

    assert not decision.enabled
    assert decision.refusal == (
        "refusing to serve http://0.0.0.0:9200 without authentication: no users file and no API key is configured. "
        "Set users_file (--users-file PATH, see config/users.example.toml) or create an API key "
        "(connector-api api-key create), listen on a loopback address (--host 127.0.0.1), "
        "or pass --insecure to serve without authentication anyway"
    )


def test_insecure_serves_any_address_without_authentication_with_a_warning() -> None:
    decision = decide("::", 9201, has_users=False, has_keys=False, insecure=True)

    assert (decision.enabled, decision.refusal) == (False, None)
    assert decision.warning is not None
    assert decision.warning.startswith("serving http://[::]:9201 WITHOUT authentication")
