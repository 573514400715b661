"""The users file: roles of Elasticsearch's cluster privileges, users with Argon2id hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.security.passwords import burn_verification, hash_password, is_password_hash, verify_password
from app.security.users import UsersFileError, load_users
from tests.security.conftest import FAST_HASHER

HASH = FAST_HASHER.hash("a-password")
NEEDS_HASH = "needs password_hash, an Argon2id hash (connector-api users hash-password)"
REPO_CONFIG = Path(__file__).resolve().parents[2] / "config"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "users.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(UsersFileError) as caught:
        load_users(path)
    return str(caught.value)


def test_a_user_holds_the_union_of_its_roles_privileges(tmp_path: Path) -> None:
    path = write(tmp_path, f"""
[roles.reader]
cluster = ["monitor_connector"]
[roles.secrets]
cluster = ["READ_CONNECTOR_SECRETS", "write_connector_secrets"]
[users.alice]
password_hash = "{HASH}"
roles = ["secrets", "reader"]
""")

    alice = load_users(path).get("alice")

    assert alice is not None
    assert alice.roles == ("reader", "secrets")
    assert alice.privileges == {"monitor_connector", "read_connector_secrets", "write_connector_secrets"}


def test_the_reserved_superuser_role_needs_no_definition(tmp_path: Path) -> None:
    path = write(tmp_path, f'[users.root]\npassword_hash = "{HASH}"\nroles = ["superuser"]\n')

    root = load_users(path).get("root")

    assert root is not None and root.privileges == {"all"}


def test_privileges_only_elasticsearch_knows_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, '[roles.analytics]\ncluster = ["manage_behavioral_analytics", "manage_ml"]\n')

    assert load_users(path).roles["analytics"] == {"manage_behavioral_analytics", "manage_ml"}


def test_an_empty_file_has_no_users(tmp_path: Path) -> None:
    assert not load_users(write(tmp_path, ""))


def test_the_shipped_files_load() -> None:
    conformance = load_users(REPO_CONFIG / "conformance-users.toml")
    example = load_users(REPO_CONFIG / "users.example.toml")

    assert sorted(conformance.users) == [
        "entsearch-admin", "entsearch-superuser", "entsearch-unprivileged", "entsearch-user"
    ]
    assert example.get("admin") is not None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[roles.x]\ncluster = ["manage_conector"]\n', "role [x] has unknown cluster privilege [manage_conector]"),
        ('[roles.superuser]\ncluster = ["all"]\n', "role [superuser] is reserved and cannot be redefined"),
        ('[roles.x]\ncluster = "all"\n', "role [x]: cluster must be a list of strings"),
        ('[roles.x]\nindices = []\n', "role [x] has unknown key [indices]; expected cluster, description"),
        (f'[users.a]\npassword_hash = "{HASH}"\nroles = ["ghost"]\n',
         "user [a] has role [ghost], which is not defined under [roles]"),
        ('[users.a]\npassword_hash = "plain"\nroles = []\n', f"user [a] {NEEDS_HASH}"),
        ('[users.a]\nroles = []\n', f"user [a] {NEEDS_HASH}"),
        (f'[users.a]\npassword_hash = "{HASH}"\npassword = "x"\n',
         "user [a] has unknown key [password]; expected password_hash, roles"),
        ('[groups]\n', "unknown section [groups]; expected [roles] and [users]"),
        ('roles = 3\n', "[roles] must be a table"),
    ],
)
def test_mistakes_stop_the_start_with_one_line_naming_them(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)

    assert error_of(path) == f"users file {path}: {problem}"


def test_a_missing_or_malformed_file_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert error_of(missing) == f"users file {missing} does not exist"
    assert error_of(write(tmp_path, "[users\n")).startswith(f"cannot read users file {tmp_path / 'users.toml'}: ")


def test_passwords_are_stored_as_argon2id_hashes_and_verified() -> None:
    stored = hash_password("correct horse")

    assert is_password_hash(stored) and stored.startswith("$argon2id$") and "correct horse" not in stored
    assert verify_password(stored, "correct horse")
    assert not verify_password(stored, "wrong horse")
    assert not verify_password("not a hash", "correct horse")
    burn_verification("anything")
