"""Seed files: parsed as `PUT _connector/<id>` bodies, created once, restored by a reset (every backend)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from app.dates import now
from app.domain.connectors import new_connector
from app.errors import StatusError
from app.services.connectors import create_connector, get_connector, update_connector
from app.testing.seed import SeedConnector, SeedError, load_seed, reset_data, seed_connectors
from storage import Storage
from storage.documents import Search
from storage.indices import ALL_INDICES, CONNECTORS, SYNC_JOBS

DRIVE = {"id": "drive", "name": "Drive", "index_name": "search-drive", "service_type": "google_drive"}
WIKI = {"id": "wiki", "name": "Wiki", "is_native": False, "language": "en", "description": "the wiki"}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def ndjson(*items: dict[str, object]) -> str:
    return "\n".join(json.dumps(item) for item in items) + "\n"


def test_json_array_file_gives_each_connector_with_its_put_fields(tmp_path: Path) -> None:
    seed = load_seed(write(tmp_path / "seed.json", json.dumps([DRIVE, WIKI], indent=2)))
    assert seed == (
        SeedConnector("drive", {"name": "Drive", "index_name": "search-drive", "service_type": "google_drive"}),
        SeedConnector("wiki", {"name": "Wiki", "is_native": False, "language": "en", "description": "the wiki"}),
    )


def test_ndjson_file_gives_one_connector_per_non_blank_line(tmp_path: Path) -> None:
    seed = load_seed(write(tmp_path / "seed.ndjson", f"{json.dumps(DRIVE)}\n\n{json.dumps(WIKI)}\n"))
    assert [connector.id for connector in seed] == ["drive", "wiki"]


def test_empty_file_seeds_nothing(tmp_path: Path) -> None:
    assert load_seed(write(tmp_path / "seed.ndjson", "\n")) == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"id": "a", "nmae": "x"}]', "item 1: [1:14] [connector_put_request] unknown field [nmae]"),
        ('{"id": "a"}\n{"name": 3, "id": "b"}', "line 2: [1:10] [connector_put_request] name doesn't support values "
         "of type: VALUE_NUMBER"),
        ('{"name": "no id"}', "line 1: Required [id]"),
        ('{"id": ""}', 'line 1: Validation Failed: 1: [connector_id] cannot be [null] or [""].;'),
        ('{"id": "a", "index_name": "_x"}', "line 1: Validation Failed: 1: [_x] InvalidIndexNameException[Invalid "
         "index name [_x], must not start with '_', '-', or '+'];"),
        ('[{"id": "a"}, 7]', "item 2: [1:15] [connector_put_request] Expected START_OBJECT but was: VALUE_NUMBER"),
        ('{"id": "a"}\n{"id": "a"}', "line 2: connector id [a] appears more than once"),
    ],
)  # fmt: skip
def test_invalid_item_is_reported_with_its_place_and_the_put_endpoint_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path / "seed.json", text)
    with pytest.raises(SeedError) as raised:
        load_seed(path)
    assert str(raised.value) == f"seed file {path}, {message}"


def test_file_that_is_not_json_is_reported_as_such(tmp_path: Path) -> None:
    path = write(tmp_path / "seed.json", "[{]")
    with pytest.raises(SeedError, match=r"^seed file .* is not a JSON array or NDJSON: \[1:3\] Failed to parse JSON"):
        load_seed(path)


def test_missing_file_is_reported_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(SeedError) as raised:
        load_seed(tmp_path / "absent.json")
    assert str(raised.value) == f"cannot read seed file {tmp_path / 'absent.json'}: No such file or directory"


async def test_seeding_creates_the_connector_a_put_would_create(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.services.connectors.now", lambda: "2024-05-01T10:00:00.000Z")
    seed = (SeedConnector("drive", {"name": "Drive", "index_name": "search-drive"}),)
    assert await seed_connectors(storage, seed) == 1
    seeded = await get_connector(storage, "drive")
    await create_connector(storage, "by-put", {"name": "Drive", "index_name": "search-other"})
    put = await get_connector(storage, "by-put")
    assert seeded.seq_no == 0
    assert seeded.source == {**put.source, "index_name": "search-drive"}


async def test_seeding_again_keeps_what_clients_changed(storage: Storage) -> None:
    seed = (SeedConnector("drive", {"name": "Drive"}), SeedConnector("wiki", {"name": "Wiki"}))
    await seed_connectors(storage, seed)
    await update_connector(storage, "drive", lambda source: {**source, "name": "Renamed"})
    assert await seed_connectors(storage, seed) == 0
    assert (await get_connector(storage, "drive")).source["name"] == "Renamed"


async def test_workers_seeding_at_once_create_each_connector_once(storage: Storage) -> None:
    seed = tuple(SeedConnector(f"c-{number}", {"name": f"C{number}"}) for number in range(5))
    for _ in range(3):
        await storage.clear()
        created = await asyncio.gather(*(seed_connectors(storage, seed) for _ in range(3)))
        assert sum(created) == 5
        for connector in seed:
            assert (await get_connector(storage, connector.id)).seq_no == 0


async def test_seed_whose_index_name_another_connector_uses_is_refused(storage: Storage) -> None:
    await create_connector(storage, "other", {"index_name": "search-taken"})
    with pytest.raises(StatusError, match=r"^Index name \[search-taken\] is used by another connector\.$"):
        await seed_connectors(storage, (SeedConnector("mine", {"index_name": "search-taken"}),))


async def test_reset_deletes_every_index_then_restores_the_seed(storage: Storage) -> None:
    seed = (SeedConnector("drive", {"name": "Drive"}),)
    await seed_connectors(storage, seed)
    await update_connector(storage, "drive", lambda source: {**source, "name": "Renamed"})
    await storage.create_document(CONNECTORS, "extra", new_connector({}, now()))
    await storage.create_document(SYNC_JOBS, "job", {"connector": {"id": "drive"}})
    await reset_data(storage, seed)
    assert (await get_connector(storage, "drive")).source["name"] == "Drive"
    assert await storage.get_document(CONNECTORS, "extra") is None
    assert await storage.get_document(SYNC_JOBS, "job") is None


async def test_reset_without_seed_leaves_every_index_empty(storage: Storage) -> None:
    await seed_connectors(storage, (SeedConnector("drive", {}),))
    await reset_data(storage, ())
    for index in ALL_INDICES:
        assert (await storage.search(index, Search())).total == 0
