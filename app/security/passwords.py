"""Password hashing: Argon2id through argon2-cffi, with its default (RFC 9106) parameters.

Only the hash is ever stored. Verifying one costs tens of milliseconds on purpose, so the
request path verifies a user's password once and then trusts `app.security.cache` for a while.
A name that is no user is checked against a fixed hash all the same, so that the time a
failure takes does not tell which names exist.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PREFIX = "$argon2id$"

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash` (compared in constant time by libargon2)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_verification(password: str) -> None:
    """Spend the time a real verification takes, for a user that does not exist."""
    verify_password(_unmatchable_hash(), password)


def is_password_hash(text: str) -> bool:
    """Whether `text` has the form of a hash this module produces (what a users file must hold)."""
    return text.startswith(PREFIX) and text.count("$") == 5


@cache
def _unmatchable_hash() -> str:
    return hash_password("\x00 no user has this password \x00")
