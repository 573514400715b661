"""Where the secrets key comes from: the setting, a shared key file, or the process."""

from __future__ import annotations

import base64
import multiprocessing
import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from app.errors import InternalError
from app.services.secret_keys import (
    SERVER_DATABASE_KEY_FILE,
    decode_key,
    generate_key,
    key_file,
    read_or_create_key_file,
    secrets_key,
)
from config.settings import Settings


def test_configured_key_is_used_whatever_the_storage() -> None:
    text = generate_key()
    key = secrets_key(Settings(storage="postgresql://db/connectors", secrets_key=text))
    assert key.material == base64.urlsafe_b64decode(text) and key.origin == "setting secrets_key"


@pytest.mark.parametrize("text", ["short", "not base64 at all!", base64.urlsafe_b64encode(b"x" * 31).decode()])
def test_configured_key_that_is_not_32_bytes_is_refused(text: str) -> None:
    with pytest.raises(InternalError) as raised:
        secrets_key(Settings(storage="memory://", secrets_key=text))
    assert raised.value.reason == "the secrets key from setting secrets_key is not 32 bytes in URL-safe base64"


@pytest.mark.parametrize(
    "url, path",
    [
        ("memory://", None),
        ("sqlite:///data/connector-api.db", Path("data/connector-api.db.secrets-key")),
        ("sqlite:////var/lib/c/api.db", Path("/var/lib/c/api.db.secrets-key")),
        ("sqlite+aiosqlite:///x.db?cache=shared", Path("x.db.secrets-key")),
        ("sqlite+aiosqlite://", None),
        ("postgresql://user:secret@db/connectors", SERVER_DATABASE_KEY_FILE),
        ("mariadb://db/connectors", SERVER_DATABASE_KEY_FILE),
    ],
)
def test_generated_key_lives_beside_the_database_and_never_in_it(url: str, path: Path | None) -> None:
    assert key_file(url) == path


def test_in_memory_storage_keeps_one_key_per_process() -> None:
    settings = Settings(storage="memory://")
    assert secrets_key(settings) is secrets_key(settings)
    assert secrets_key(settings).origin == "this process (in-memory storage)"


def test_key_file_is_created_private_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "api.db.secrets-key"
    created = read_or_create_key_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_create_key_file(path).material == created.material
    assert created.origin == f"file {path}" and list(path.parent.iterdir()) == [path]


def test_processes_racing_to_create_the_key_file_all_get_the_same_key(tmp_path: Path) -> None:
    path = tmp_path / "race.secrets-key"
    with ProcessPoolExecutor(max_workers=6, mp_context=multiprocessing.get_context("spawn")) as pool:
        keys = list(pool.map(read_or_create_key_file, [path] * 12))
    assert len({key.material for key in keys}) == 1
    assert read_or_create_key_file(path).material == keys[0].material


def test_damaged_key_file_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "bad.secrets-key"
    path.write_text("not a key\n")
    with pytest.raises(InternalError) as raised:
        read_or_create_key_file(path)
    assert raised.value.reason == f"the secrets key from file {path} is not 32 bytes in URL-safe base64"
    assert path.read_text() == "not a key\n"


def test_fingerprint_names_a_key_without_revealing_it() -> None:
    text = generate_key()
    first, again, other = decode_key(text, "a"), decode_key(text, "b"), decode_key(generate_key(), "a")
    assert first.fingerprint == again.fingerprint != other.fingerprint
    assert len(first.fingerprint) == 16 and first.fingerprint not in text
