"""Authentication through the real app: Elasticsearch's 401 reasons, the cache, the off switch."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest
from quart import Quart
from quart.testing.app import LifespanError

from app import create_app
from app.security import authentication
from app.security.api_keys import Owner, create_api_key
from app.security.errors import ANONYMOUS_DENIED
from app.security.passwords import verify_password
from app.security.principals import CLI_REALM
from app.security.requests import NewApiKey
from config.settings import Settings
from storage import Storage
from tests.api.conftest import Api, error_of
from tests.security.api.conftest import create_key
from tests.security.conftest import api_key, basic, encoded


def raw(header: str) -> dict[str, str]:
    return {"Authorization": header}


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Basic !!!", "invalid basic authentication header encoding"),
        ("Basic " + base64.b64encode(b"no-colon").decode(), "invalid basic authentication header value"),
        ("Basic ", "invalid basic authentication header value"),
        ("Bearer abc", "missing authentication credentials for REST request [/_connector]"),
        ("ApiKey ", "missing authentication credentials for REST request [/_connector]"),
        ("Digest x", "missing authentication credentials for REST request [/_connector]"),
    ],
)
async def test_malformed_or_foreign_credentials_are_401(api: Api, header: str, reason: str) -> None:
    status, body = await api.get("/_connector", headers=raw(header))

    assert (status, error_of(body)) == (401, ("security_exception", reason))


@pytest.mark.parametrize("value", ["!!!", base64.b64encode(b"id-without-secret").decode()])
async def test_a_malformed_api_key_is_401_with_elasticsearchs_reason(api: Api, value: str) -> None:
    status, body = await api.get("/_connector", headers=raw(f"ApiKey {value}"))

    assert (status, error_of(body)) == (401, ("security_exception", ANONYMOUS_DENIED))
    assert body["error"]["additional_unsuccessful_credentials"] == "API key: invalid ApiKey value"


async def test_schemes_are_case_insensitive(api: Api) -> None:
    token = base64.b64encode(b"reader:reader-password").decode()

    assert (await api.get("/_connector", headers=raw(f"BASIC {token}")))[0] == 200
    assert (await api.get("/_connector", headers=raw(f"basic {token}")))[0] == 200


async def test_an_unknown_user_is_told_apart_from_nobody(api: Api) -> None:
    status, body = await api.get("/_connector?size=1", headers=basic("ghost", "whatever"))

    assert (status, error_of(body)) == (
        401, ("security_exception", "unable to authenticate user [ghost] for REST request [/_connector?size=1]")
    )


async def test_unknown_paths_authenticate_before_routing(api: Api) -> None:
    anonymous = await api.get("/_nothing")
    known = await api.get("/_nothing", headers=basic("nothing"))

    missing = "missing authentication credentials for REST request [/_nothing]"
    assert (anonymous[0], error_of(anonymous[1])[1]) == (401, missing)
    assert (known[0], error_of(known[1])) == (
        404, ("illegal_argument_exception", "no handler found for uri [/_nothing] and method [GET]")
    )


async def test_head_root_needs_credentials_and_any_user_may_poll_it(app: Quart) -> None:
    client = app.test_client()

    assert (await client.head("/")).status_code == 401
    assert (await client.head("/", headers=basic("nothing"))).status_code == 200
    assert (await client.get("/_cluster/health", headers=basic("nothing"))).status_code == 200


async def test_a_verified_password_is_not_verified_again_while_cached(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []

    def counting(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return verify_password(password_hash, password)

    monkeypatch.setattr(authentication, "verify_password", counting)
    for _ in range(5):
        assert (await api.get("/_connector", headers=basic("reader")))[0] == 200
    assert (await api.get("/_connector", headers=basic("reader", "wrong")))[0] == 401

    assert len(calls) == 2


async def test_no_log_line_holds_a_password_or_a_key_secret(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    created = await create_key(api, "root", {"name": "k"})
    caplog.set_level(logging.DEBUG)

    await api.get("/_connector", headers=basic("reader", "Sup3r-S3cret!"))
    await api.get("/_connector", headers=api_key(encoded(created["id"], "Wr0ng-S3cret")))
    await api.get("/_connector", headers=basic("nothing"))

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "authentication failed" in text and "access denied" in text
    for secret in ("Sup3r-S3cret!", "Wr0ng-S3cret", created["api_key"], "nothing-password"):
        assert secret not in text


async def test_without_users_or_keys_on_loopback_authentication_is_off(storage: Storage) -> None:
    app = create_app(Settings(storage=storage.url), storage=storage)
    async with app.test_app():
        api = Api(app.test_client())

        assert (await api.get("/_connector", headers=raw("Basic garbage")))[0] == 200
        status, body = await api.post("/_security/api_key", {"name": "k"})

    assert (status, error_of(body)) == (400, (
        "status_exception",
        "Security is not enabled on this server: set users_file (--users-file) or create an API key "
        "(connector-api api-key create), then restart it",
    ))


async def test_api_keys_in_the_storage_turn_authentication_on_without_a_users_file(storage: Storage) -> None:
    created = await create_api_key(storage, Owner("connector-api", CLI_REALM, None), NewApiKey("cli"), 0)
    app = create_app(Settings(storage=storage.url), storage=storage)
    async with app.test_app():
        api = Api(app.test_client())

        anonymous = await api.get("/_connector")
        with_key = await api.get("/_connector", headers=api_key(encoded(created.id, created.api_key)))

    assert (anonymous[0], with_key[0]) == (401, 200)


async def test_a_non_loopback_address_without_users_or_keys_refuses_to_start(storage: Storage) -> None:
    app = create_app(Settings(storage=storage.url, host="0.0.0.0"), storage=storage)

    refusal = r"^Error during startup refusing to serve http://0\.0\.0\.0:9200 without authentication"
    with pytest.raises(LifespanError, match=refusal):
        async with app.test_app():
            pass


async def test_insecure_serves_a_non_loopback_address_without_authentication_and_warns(
    storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(storage=storage.url, host="0.0.0.0", insecure=True), storage=storage)
    async with app.test_app():
        status, _ = await Api(app.test_client()).get("/_connector")

    assert status == 200
    assert "serving http://0.0.0.0:9200 WITHOUT authentication (--insecure)" in caplog.text


async def test_a_users_file_turns_authentication_on_on_loopback_too(storage: Storage, users_file: Path) -> None:
    app = create_app(Settings(storage=storage.url, host="127.0.0.1", users_file=str(users_file)), storage=storage)
    async with app.test_app():
        assert (await Api(app.test_client()).get("/_connector"))[0] == 401
