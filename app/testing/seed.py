"""Connectors loaded from a seed file at start-up, and the test-mode reset that restores them.

A seed file is a JSON array of objects, or NDJSON (one object a line). Each object is the
body of `PUT _connector/<id>` with the id beside it: `{"id": "my-connector", "name": ...}`.
The file is read and checked when the app is created, with the same parser and validation
as that endpoint, so a bad file stops the server before it serves, naming the item (or line).

At start-up each connector is created only if its id is absent, atomically, so several
workers on one storage, and every restart, seed it once and keep what clients changed since.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.compat import decode_body
from app.errors import ElasticsearchError
from app.parsing import STRING, Body, Field, ObjectParser
from app.schemas.connectors import CREATE_CONNECTOR
from app.services.connectors import create_connector, require_connector_id, validate_create
from config.loading import SettingsError
from storage import Storage

SEED_CONNECTOR = ObjectParser(CREATE_CONNECTOR.name, [Field("id", STRING, required=True), *CREATE_CONNECTOR.fields])


class SeedError(SettingsError):
    """An unreadable or invalid seed file; the message names the file and the item."""


@dataclass(frozen=True, slots=True)
class SeedConnector:
    id: str
    fields: dict[str, Any]


def load_seed(path: str | Path) -> tuple[SeedConnector, ...]:
    """The connectors a seed file declares, parsed and validated as `PUT _connector/<id>` would."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SeedError(f"cannot read seed file {path}: {error.strerror or error}") from None
    connectors: dict[str, SeedConnector] = {}
    for where, body, at in _items(raw, path):
        try:
            connector = _connector(body, at)
        except ElasticsearchError as error:
            raise SeedError(f"seed file {path}, {where}: {error.reason}") from None
        if connector.id in connectors:
            raise SeedError(f"seed file {path}, {where}: connector id [{connector.id}] appears more than once")
        connectors[connector.id] = connector
    return tuple(connectors.values())


def _items(raw: bytes, path: Path) -> Iterator[tuple[str, Body, tuple[int, ...]]]:
    """(where, body, path of the item in body) for each item, from an array or NDJSON."""
    try:
        if raw.lstrip().startswith(b"["):
            document = decode_body(raw)
            for number in range(len(document.value)):
                yield f"item {number + 1}", document, (number,)
            return
        for number, line in enumerate(raw.splitlines(), 1):
            if line.strip():
                yield f"line {number}", decode_body(line), ()
    except ElasticsearchError as error:
        raise SeedError(f"seed file {path} is not a JSON array or NDJSON: {error.reason}") from None


def _connector(body: Body, at: tuple[int, ...]) -> SeedConnector:
    fields = SEED_CONNECTOR.parse(body, at)
    connector_id = fields.pop("id")
    require_connector_id(connector_id)
    validate_create(connector_id, fields)
    return SeedConnector(connector_id, fields)


async def seed_connectors(storage: Storage, connectors: Sequence[SeedConnector]) -> int:
    """Create each connector whose id is absent (through the connector service); return how many."""
    created = 0
    for connector in connectors:
        _, new = await create_connector(storage, connector.id, dict(connector.fields), overwrite=False)
        created += new
    return created


async def reset_data(storage: Storage, connectors: Sequence[SeedConnector]) -> None:
    """Delete every document of every index, then seed `connectors` again."""
    await storage.clear()
    await seed_connectors(storage, connectors)
