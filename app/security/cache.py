"""Verified credentials, kept briefly in this process so the request path stays fast.

The key of an entry is HMAC-SHA256 of the presented credentials under a random key drawn when
the process starts: the cache never holds a password or an API key secret, nor a plain hash of
one that could be attacked offline, and a lookup costs about a microsecond. Entries expire
after their time to live (each may also carry an earlier deadline, an API key's expiry) and
the oldest are dropped beyond `max_entries`, so a flood of distinct credentials cannot grow it.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_MAX_ENTRIES = 10_000


class CredentialCache(Generic[T]):
    def __init__(
        self, ttl: float, *, max_entries: int = DEFAULT_MAX_ENTRIES, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self._max_entries = max_entries
        self._clock = clock
        self._key = secrets.token_bytes(32)
        self._entries: OrderedDict[bytes, tuple[float, T]] = OrderedDict()

    def fingerprint(self, *parts: bytes) -> bytes:
        """A keyed digest of `parts`, unambiguous however the parts split."""
        message = b"".join(len(part).to_bytes(4, "big") + part for part in parts)
        return hmac.digest(self._key, message, "sha256")

    def get(self, fingerprint: bytes) -> T | None:
        entry = self._entries.get(fingerprint)
        if entry is None:
            return None
        deadline, value = entry
        if self._clock() >= deadline:
            del self._entries[fingerprint]
            return None
        return value

    def put(self, fingerprint: bytes, value: T, *, lifetime: float | None = None) -> None:
        """Keep `value` for the cache's TTL, or for `lifetime` seconds when that is shorter."""
        ttl = self.ttl if lifetime is None else min(self.ttl, lifetime)
        if ttl <= 0:
            return
        self._entries[fingerprint] = (self._clock() + ttl, value)
        self._entries.move_to_end(fingerprint)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
