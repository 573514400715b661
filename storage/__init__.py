"""Storage implementations, chosen by URL scheme.

| URL | implementation |
| --- | --- |
| `memory://` | `storage.memory.MemoryStorage` |
| `sqlite:///relative.db`, `sqlite:////absolute.db` | `storage.sqlite.SQLiteStorage` (aiosqlite, the embedded default) |
| `sqlite+aiosqlite:///...`, `postgresql://...`, `mysql://...`, `mariadb://...` | SQLAlchemy (`storage.sql.store`) |

Implementations are imported only when chosen, so the embedded default never loads SQLAlchemy.
"""

from __future__ import annotations

from storage.base import Storage
from storage.errors import InvalidStorageURL

__all__ = ["Storage", "open_storage", "storage_scheme"]

SQLALCHEMY_SCHEMES = (
    "sqlite+aiosqlite",
    "postgresql",
    "postgresql+asyncpg",
    "postgres",
    "mysql",
    "mysql+aiomysql",
    "mariadb",
    "mariadb+aiomysql",
)


def storage_scheme(url: str) -> str:
    scheme, separator, _ = url.partition("://")
    if not separator or not scheme:
        raise InvalidStorageURL(f"storage URL [{url}] has no scheme; expected e.g. sqlite:///data/connector-api.db")
    return scheme.lower()


def open_storage(url: str) -> Storage:
    """Build (not yet open) the storage that `url` names."""
    scheme = storage_scheme(url)
    if scheme == "memory":
        from storage.memory import MemoryStorage

        return MemoryStorage(url)
    if scheme == "sqlite":
        from storage.sqlite import SQLiteStorage

        return SQLiteStorage(url)
    if scheme in SQLALCHEMY_SCHEMES:
        from storage.sql.store import SQLAlchemyStorage

        return SQLAlchemyStorage(url)
    raise InvalidStorageURL(
        f"storage URL scheme [{scheme}] is not supported; use memory://, sqlite:///PATH, "
        "sqlite+aiosqlite:///PATH, postgresql://... or mysql://.../mariadb://..."
    )
