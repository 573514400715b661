"""Connector secrets: values stored encrypted in the secrets index, readable back by id.

Each value is sealed with AES-256-GCM under this server's secrets key (`secret_keys`), with a
fresh 96-bit nonce and the secret's id as associated data: a ciphertext copied onto another id
does not decrypt. The stored document is `{"encrypted_value", "key_fingerprint"}`; the plain
value exists only in requests and responses.
"""

from __future__ import annotations

import base64
import logging
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.errors import ActionRequestValidation, InternalError, ResourceNotFound
from app.services.connectors import generate_id, id_too_long
from app.services.secret_keys import SecretsKey
from storage import Storage
from storage.indices import SECRETS

logger = logging.getLogger("connector_api.secrets")

NONCE_BYTES = 12
EMPTY_ID = '[id] cannot be [null] or [""]'
EMPTY_VALUE = '[value] cannot be [null] or [""]'


def seal(key: SecretsKey, secret_id: str, value: str) -> dict[str, Any]:
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key.material).encrypt(nonce, value.encode(), secret_id.encode())
    return {
        "encrypted_value": base64.urlsafe_b64encode(nonce + ciphertext).decode(),
        "key_fingerprint": key.fingerprint,
    }


def unseal(key: SecretsKey, secret_id: str, source: dict[str, Any]) -> str:
    """The plain value of a stored secret; a server error if this key cannot open it."""
    if source.get("key_fingerprint") != key.fingerprint:
        raise _unreadable(
            secret_id,
            f"it was encrypted with the secrets key [{source.get('key_fingerprint')}] but this server holds "
            f"[{key.fingerprint}] from {key.origin}; give every server sharing this storage the same secrets_key",
        )
    try:
        sealed = base64.urlsafe_b64decode(str(source.get("encrypted_value", "")).encode())
        plain = AESGCM(key.material).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], secret_id.encode())
    except (InvalidTag, ValueError):
        raise _unreadable(secret_id, "its stored form was altered or belongs to another id") from None
    return plain.decode()


def _unreadable(secret_id: str, why: str) -> InternalError:
    reason = f"secret [{secret_id}] cannot be decrypted: {why}"
    logger.error(reason)
    return InternalError(reason)


def _require(problem: str | None, *more: str | None) -> None:
    found = [message for message in (problem, *more) if message]
    if found:
        raise ActionRequestValidation(*found)


async def create_secret(storage: Storage, key: SecretsKey, value: str | None) -> str:
    """Store `value` under a generated id; return the id."""
    _require(None if value else '[value] of the connector secret cannot be [null] or [""]')
    assert value is not None
    secret_id = generate_id()
    await storage.create_document(SECRETS, secret_id, seal(key, secret_id, value))
    return secret_id


async def put_secret(storage: Storage, key: SecretsKey, secret_id: str, value: str) -> bool:
    """Store `value` under `secret_id`, replacing any; True if the secret is new."""
    _require(None if secret_id else EMPTY_ID, id_too_long(secret_id), None if value else EMPTY_VALUE)
    stored = await storage.index_document(SECRETS, secret_id, seal(key, secret_id, value))
    return stored.seq_no == 0


async def get_secret(storage: Storage, key: SecretsKey, secret_id: str) -> str:
    _require_id(secret_id)
    document = await storage.get_document(SECRETS, secret_id)
    if document is None:
        raise _not_found(secret_id)
    return unseal(key, secret_id, document.source)


async def delete_secret(storage: Storage, secret_id: str) -> None:
    _require_id(secret_id)
    if not await storage.delete_document(SECRETS, secret_id):
        raise _not_found(secret_id)


def _require_id(secret_id: str) -> None:
    _require(None if secret_id else "[id] of the connector secret cannot be null or empty.")


def _not_found(secret_id: str) -> ResourceNotFound:
    return ResourceNotFound(f"No secret with id [{secret_id}]")
