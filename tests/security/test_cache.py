"""The cache of verified credentials: keyed by HMAC, bounded in time and in size."""

from __future__ import annotations

from app.security.cache import CredentialCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_is_served_until_its_time_to_live_passes() -> None:
    clock = Clock()
    cache: CredentialCache[str] = CredentialCache(5.0, clock=clock)
    key = cache.fingerprint(b"basic", b"secret")
    cache.put(key, "alice")

    clock.now += 4.9
    assert cache.get(key) == "alice"
    clock.now += 0.1
    assert cache.get(key) is None
    assert len(cache) == 0


def test_a_shorter_lifetime_wins_over_the_time_to_live() -> None:
    clock = Clock()
    cache: CredentialCache[str] = CredentialCache(5.0, clock=clock)
    key = cache.fingerprint(b"apikey", b"secret")
    cache.put(key, "key", lifetime=1.0)

    clock.now += 1.0
    assert cache.get(key) is None


def test_an_already_expired_lifetime_is_not_kept() -> None:
    cache: CredentialCache[str] = CredentialCache(5.0)
    key = cache.fingerprint(b"x")
    cache.put(key, "key", lifetime=-3)

    assert len(cache) == 0


def test_the_oldest_entries_are_dropped_beyond_the_size_limit() -> None:
    cache: CredentialCache[int] = CredentialCache(60.0, max_entries=3)
    keys = [cache.fingerprint(str(number).encode()) for number in range(5)]
    for number, key in enumerate(keys):
        cache.put(key, number)

    assert [cache.get(key) for key in keys] == [None, None, 2, 3, 4]


def test_fingerprints_are_keyed_per_process_and_unambiguous() -> None:
    first, second = CredentialCache[str](1.0), CredentialCache[str](1.0)

    assert first.fingerprint(b"a", b"bc") != second.fingerprint(b"a", b"bc")
    assert first.fingerprint(b"a", b"bc") != first.fingerprint(b"ab", b"c")
    assert b"secret" not in first.fingerprint(b"secret")
    assert len(first.fingerprint(b"secret")) == 32
