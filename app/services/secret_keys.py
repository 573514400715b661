"""The key that encrypts connector secrets at rest, and where each server process finds it.

Secret values are stored encrypted (AES-256-GCM, see `app.services.secrets`) so that the
database alone (a dump, a backup, a copied file) does not reveal them; the key therefore
never goes into the database. Every process that shares a database must hold the same key,
and it comes from the first of:

1. The `secrets_key` setting (`CONNECTOR_API_SECRETS_KEY`): 32 random bytes in URL-safe
   base64, e.g. from `python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`.
   Instances on several hosts sharing one PostgreSQL/MariaDB database must all be given it.
2. A key file, generated on first use (mode 0600): beside the SQLite database file
   (`<database>.secrets-key`), otherwise `data/connector-api.secrets-key` under the working
   directory. This covers every worker process of one host. Processes racing to create it
   each write a private temporary file and hard-link it into place: one key wins, all read it.
3. For in-memory storage, a key held by the process, whose data dies with it anyway.

Each stored secret carries the fingerprint of its key, so a process holding another key
answers with an error that says so, rather than failing obscurely.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.errors import InternalError
from config.settings import Settings
from storage import storage_scheme
from storage.sql.urls import is_sqlite, sqlite_path

KEY_BYTES = 32
KEY_FILE_SUFFIX = ".secrets-key"
SERVER_DATABASE_KEY_FILE = Path("data/connector-api.secrets-key")


@dataclass(frozen=True, slots=True)
class SecretsKey:
    material: bytes
    origin: str
    """Where the key came from, for error messages: the setting, a file, or the process."""

    @property
    def fingerprint(self) -> str:
        """Names the key without revealing it (a truncated hash of a 256-bit random key)."""
        return hashlib.sha256(b"connector-api secrets key\x00" + self.material).hexdigest()[:16]


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def decode_key(text: str, origin: str) -> SecretsKey:
    try:
        material = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        material = b""
    if len(material) != KEY_BYTES:
        raise InternalError(f"the secrets key from {origin} is not {KEY_BYTES} bytes in URL-safe base64")
    return SecretsKey(material, origin)


def secrets_key(settings: Settings) -> SecretsKey:
    """This process's key for the storage that `settings` name (read once, then kept)."""
    return _key(settings.secrets_key, settings.storage)


@functools.cache
def _key(configured: str, storage_url: str) -> SecretsKey:
    if configured:
        return decode_key(configured, "setting secrets_key")
    path = key_file(storage_url)
    if path is None:
        return SecretsKey(secrets.token_bytes(KEY_BYTES), "this process (in-memory storage)")
    return read_or_create_key_file(path)


def key_file(storage_url: str) -> Path | None:
    """Where the generated key of this storage lives; None when the data lives in the process."""
    if storage_scheme(storage_url) == "memory":
        return None
    if is_sqlite(storage_url):
        database = sqlite_path(storage_url)
        return None if database == ":memory:" else Path(database + KEY_FILE_SUFFIX)
    return SERVER_DATABASE_KEY_FILE


def read_or_create_key_file(path: Path) -> SecretsKey:
    """The key in `path`, creating the file with a new key if there is none yet."""
    if not path.exists():
        _create_key_file(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise InternalError(f"cannot read the secrets key file {path}: {error}") from None
    return decode_key(text, f"file {path}")


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(generate_key() + "\n")
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
        _sync_directory(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def _sync_directory(directory: Path) -> None:
    """Make the new file's name durable: a key lost in a crash would make every secret unreadable."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
