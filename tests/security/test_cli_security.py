"""`connector-api users ...`, `connector-api api-key ...` and serve's secure-by-default check."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from app.cli import UsageError, _settings, build_parser, main
from app.cli_security import check_exposure
from app.security.api_keys import ApiKeyRejected, verify_api_key
from app.security.passwords import verify_password
from app.security.users import load_users
from config.settings import Settings
from storage import open_storage


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("CONFIG", "STORAGE", "USERS_FILE", "HOST", "INSECURE"):
        monkeypatch.delenv(f"CONNECTOR_API_{name}", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str,
        stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def verify(url: str, key_id: str, secret: str) -> str:
    async def check() -> str:
        storage = open_storage(url)
        await storage.open()
        try:
            owner, _ = await verify_api_key(storage, key_id, secret, 0)
            return owner.username
        except ApiKeyRejected as rejection:
            return str(rejection)
        finally:
            await storage.close()

    return asyncio.run(check())


def test_hash_password_prints_an_argon2id_hash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, _ = run(capsys, monkeypatch, "users", "hash-password", "--password-stdin", stdin="long enough\n")

    assert status == 0
    assert out.startswith("$argon2id$") and verify_password(out.strip(), "long enough")


def test_users_add_appends_users_that_the_server_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config" / "users.toml"
    first = run(capsys, monkeypatch, "users", "add", "alice", "--roles", "superuser", "--users-file", str(path),
                "--password-stdin", stdin="alice-password\n")
    path.write_text(path.read_text() + '\n[roles.reader]\ncluster = ["monitor_connector"]\n')
    second = run(capsys, monkeypatch, "users", "add", "bob.smith", "--roles", "reader", "--users-file", str(path),
                 "--password-stdin", stdin="bob-password\n")

    users = load_users(path)
    assert (first[0], first[1]) == (0, f"user [alice] added to {path} with roles [superuser]\n")
    assert second[0] == 0
    alice, bob = users.get("alice"), users.get("bob.smith")
    assert alice is not None and bob is not None
    assert (alice.privileges, bob.privileges) == (frozenset({"all"}), frozenset({"monitor_connector"}))
    assert verify_password(bob.password_hash, "bob-password")
    assert "bob-password" not in path.read_text()


def test_users_add_uses_the_users_file_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONNECTOR_API_USERS_FILE", str(tmp_path / "from-env.toml"))

    status, _, _ = run(capsys, monkeypatch, "users", "add", "carol", "--roles", "superuser", "--password-stdin",
                       stdin="carol-password\n")

    assert status == 0 and load_users(tmp_path / "from-env.toml").get("carol") is not None


@pytest.mark.parametrize(
    ("name", "roles", "password", "problem"),
    [
        ("alice", "superuser", "alice-password",
         "user [alice] already exists in users.toml; edit or remove its entry there first"),
        ("dave", "ghost", "dave-password",
         "role [ghost] is not defined in users.toml; add [roles.ghost] with its cluster privileges"),
        ("dave", "superuser", "short", "passwords must be at least [6] characters long"),
        ("da:ve", "superuser", "dave-password",
         "a user name cannot contain ':' (HTTP Basic ends the name there) or control characters"),
        (" dave", "superuser", "dave-password",
         "user names have 1 to 507 characters, without leading or trailing spaces"),
    ],
)
def test_users_add_refuses_mistakes_with_status_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str, roles: str, password: str,
    problem: str,
) -> None:
    run(capsys, monkeypatch, "users", "add", "alice", "--roles", "superuser", "--users-file", "users.toml",
        "--password-stdin", stdin="alice-password\n")

    status, _, err = run(capsys, monkeypatch, "users", "add", name, "--roles", roles, "--users-file", "users.toml",
                         "--password-stdin", stdin=password + "\n")

    assert (status, err) == (2, f"connector-api: error: {problem}\n")


def test_api_key_create_prints_the_key_once_and_invalidate_revokes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    status, out, err = run(capsys, monkeypatch, "api-key", "create", "--name", "connectors-service",
                           "--privileges", "manage_connector,read_connector_secrets", "--expiration", "30d",
                           "--storage", url)
    created = json.loads(out)

    assert status == 0 and list(created) == ["id", "name", "expiration", "api_key", "encoded"]
    assert "shown only this once" in err
    assert verify(url, created["id"], created["api_key"]) == "connector-api"

    status, out, _ = run(capsys, monkeypatch, "api-key", "invalidate", "--id", created["id"], "--storage", url)

    assert (status, json.loads(out)["invalidated_api_keys"]) == (0, [created["id"]])
    assert verify(url, created["id"], created["api_key"]) == f"api key [{created['id']}] has been invalidated"


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (["--privileges", "manage_conector"], "unknown cluster privilege [manage_conector]. a privilege must"),
        (["--privileges", "manage_connector", "--expiration", "soon"], "failed to parse setting [expiration]"),
        (["--privileges", "manage_connector", "--storage", "memory://"], "memory:// storage lives inside one server"),
    ],
)
def test_api_key_create_refuses_mistakes_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, options: list[str],
    problem: str,
) -> None:
    storage = [] if "--storage" in options else ["--storage", f"sqlite:///{tmp_path / 'k.db'}"]

    status, _, err = run(capsys, monkeypatch, "api-key", "create", "--name", "k", *options, *storage)

    assert status == 2 and err.startswith(f"connector-api: error: {problem}")


def test_serve_reads_the_security_options() -> None:
    args = build_parser().parse_args(["serve", "--users-file", "users.toml", "--insecure"])

    settings = _settings(args)

    assert (settings.users_file, settings.insecure) == ("users.toml", True)


def test_the_exposure_check_refuses_a_public_address_without_users_or_keys() -> None:
    with pytest.raises(UsageError, match=r"^refusing to serve http://0\.0\.0\.0:9200 without authentication"):
        check_exposure(Settings(storage="memory://", host="0.0.0.0"), lambda: None)


def test_the_exposure_check_accepts_users_keys_loopback_or_insecure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    run(capsys, monkeypatch, "api-key", "create", "--name", "k", "--privileges", "manage", "--storage", url)
    waited: list[bool] = []

    check_exposure(Settings(storage=url, host="0.0.0.0"), lambda: waited.append(True))
    check_exposure(Settings(storage="memory://", host="127.0.0.1"), lambda: None)
    check_exposure(Settings(storage="memory://", host="0.0.0.0", insecure=True), lambda: None)

    assert waited == [True]


def test_the_exposure_check_reports_a_broken_users_file(tmp_path: Path) -> None:
    broken = tmp_path / "users.toml"
    broken.write_text("[users.a]\nroles = []\n")

    with pytest.raises(UsageError, match=r"user \[a\] needs password_hash"):
        check_exposure(Settings(storage="memory://", users_file=str(broken)), lambda: None)
