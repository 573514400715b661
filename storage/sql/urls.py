"""Storage URLs as SQLAlchemy's async drivers want them.

Users write the short forms (`postgresql://`, `mysql://`, `sqlite:///data.db`); SQLAlchemy
needs the async driver named (`postgresql+asyncpg://`). The store and the migrations both
call `sqlalchemy_url`. Plain string work, so the embedded SQLite path can use `sqlite_path`
without importing SQLAlchemy.
"""

from __future__ import annotations

from urllib.parse import unquote

from storage.errors import InvalidStorageURL

DRIVER_SCHEMES = {
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "mysql": "mysql+aiomysql",
    "mysql+aiomysql": "mysql+aiomysql",
    # SQLAlchemy's mariadb dialect runs on aiomysql and knows MariaDB's own SQL up front.
    "mariadb": "mariadb+aiomysql",
    "mariadb+aiomysql": "mariadb+aiomysql",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}

SQLITE_SCHEMES = ("sqlite", "sqlite+aiosqlite")


def split_scheme(url: str) -> tuple[str, str]:
    """(lower-cased scheme, rest after `://`)."""
    scheme, separator, rest = url.partition("://")
    if not separator or not scheme:
        raise InvalidStorageURL(f"storage URL [{url}] has no scheme")
    return scheme.lower(), rest


def sqlalchemy_url(url: str) -> str:
    """The async SQLAlchemy URL for a storage URL; raise `InvalidStorageURL` for other schemes."""
    scheme, rest = split_scheme(url)
    try:
        return f"{DRIVER_SCHEMES[scheme]}://{rest}"
    except KeyError:
        raise InvalidStorageURL(f"storage URL scheme [{scheme}] has no SQLAlchemy driver") from None


def is_sqlite(url: str) -> bool:
    return split_scheme(url)[0] in SQLITE_SCHEMES


def sqlite_path(url: str) -> str:
    """The file of a `sqlite:///relative` or `sqlite:////absolute` URL (`:memory:` if none)."""
    scheme, rest = split_scheme(url)
    if scheme not in SQLITE_SCHEMES:
        raise InvalidStorageURL(f"storage URL [{url}] is not a SQLite URL")
    # Percent-decoded, as SQLAlchemy decodes the database part of a URL.
    path = unquote(rest.partition("?")[0].removeprefix("/"))
    return path or ":memory:"
