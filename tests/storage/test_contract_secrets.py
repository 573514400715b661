"""Connector secrets on every backend: round trips, replacement, deletion, encryption at rest."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from app.errors import ActionRequestValidation, ResourceNotFound
from app.services import secrets
from app.services.secret_keys import decode_key, generate_key
from storage import Storage
from storage.indices import SECRETS

KEY = decode_key(generate_key(), "test")


async def test_created_secret_reads_back(storage: Storage) -> None:
    secret_id = await secrets.create_secret(storage, KEY, "päss wörd ✓")
    assert await secrets.get_secret(storage, KEY, secret_id) == "päss wörd ✓"


async def test_put_reports_creation_then_replacement(storage: Storage) -> None:
    assert await secrets.put_secret(storage, KEY, "s", "one") is True
    assert await secrets.put_secret(storage, KEY, "s", "two") is False
    assert await secrets.get_secret(storage, KEY, "s") == "two"


async def test_deleted_secret_is_not_found(storage: Storage) -> None:
    await secrets.put_secret(storage, KEY, "s", "v")
    await secrets.delete_secret(storage, "s")
    with pytest.raises(ResourceNotFound, match=r"^No secret with id \[s\]$"):
        await secrets.get_secret(storage, KEY, "s")
    with pytest.raises(ResourceNotFound):
        await secrets.delete_secret(storage, "s")


async def test_empty_value_is_refused_and_nothing_is_stored(storage: Storage) -> None:
    with pytest.raises(ActionRequestValidation):
        await secrets.put_secret(storage, KEY, "s", "")
    assert await storage.get_document(SECRETS, "s") is None


async def test_stored_document_holds_only_ciphertext(storage: Storage) -> None:
    await secrets.put_secret(storage, KEY, "s", "hunter2-hunter2")
    document = await storage.get_document(SECRETS, "s")
    assert document is not None
    assert document.source["key_fingerprint"] == KEY.fingerprint
    assert b"hunter2" not in orjson.dumps(document.source)


async def test_same_value_twice_is_stored_differently(storage: Storage) -> None:
    first = await secrets.create_secret(storage, KEY, "same")
    second = await secrets.create_secret(storage, KEY, "same")
    documents = [await storage.get_document(SECRETS, secret_id) for secret_id in (first, second)]
    assert documents[0] is not None and documents[1] is not None
    assert documents[0].source["encrypted_value"] != documents[1].source["encrypted_value"]


async def test_concurrent_creations_get_distinct_readable_ids(storage: Storage) -> None:
    values = [f"value-{number}" for number in range(10)]
    ids = await asyncio.gather(*(secrets.create_secret(storage, KEY, value) for value in values))
    assert len(set(ids)) == len(values)
    assert [await secrets.get_secret(storage, KEY, secret_id) for secret_id in ids] == values
