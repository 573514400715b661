"""What only the embedded SQLite storage promises: grouped durable writes, isolation of one
write's failure, cancellation safety, and several processes sharing one file."""

from __future__ import annotations

import asyncio
import contextvars
import shutil
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage.documents import Contains, Search, StoredDocument
from storage.errors import DocumentExists, StorageError, StorageUnavailable, VersionConflict
from storage.indices import ALL_INDICES, CONNECTORS
from storage.sqlite import SQLiteStorage, database_path
from storage.sqlite_writer import SQLiteWriter

pytestmark = pytest.mark.sqlite

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storage.migrations import upgrade_to_head

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture
def url(migrated_template: Path, tmp_path: Path) -> str:
    """A freshly migrated database file of this test's own."""
    path = tmp_path / "connector-api.db"
    shutil.copyfile(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
async def storage(url: str) -> AsyncIterator[SQLiteStorage]:
    store = SQLiteStorage(url)
    await store.open()
    try:
        yield store
    finally:
        await store.close()


@contextmanager
def write_lock(url: str) -> Iterator[sqlite3.Connection]:
    """Hold the database's write lock from another connection, as another process would."""
    connection = sqlite3.connect(database_path(url), timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield connection
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()


async def test_concurrent_writes_are_all_acknowledged_and_durable(url: str, storage: SQLiteStorage) -> None:
    await asyncio.gather(*(storage.create_document(CONNECTORS, f"c-{n}", {"name": f"n{n}"}) for n in range(200)))
    stored = await asyncio.gather(*(storage.index_document(CONNECTORS, "hot", {"n": n}) for n in range(50)))
    assert sorted(doc.seq_no for doc in stored) == list(range(50))
    await storage.close()

    reopened = SQLiteStorage(url)
    await reopened.open()
    try:
        page = await reopened.search(CONNECTORS, Search(limit=0))
        hot = await reopened.get_document(CONNECTORS, "hot")
    finally:
        await reopened.close()
    assert page.total == 201
    assert hot is not None and hot.seq_no == 49


async def test_a_failing_write_does_not_undo_the_writes_committed_with_it(storage: SQLiteStorage) -> None:
    await storage.create_document(CONNECTORS, "versioned", {"name": "v0"})
    await storage.index_document(CONNECTORS, "versioned", {"name": "v1"})
    outcomes = await asyncio.gather(
        storage.create_document(CONNECTORS, "a", {"name": "a"}),
        storage.create_document(CONNECTORS, "dup", {"name": "first"}),
        storage.create_document(CONNECTORS, "dup", {"name": "second"}),
        storage.index_document(CONNECTORS, "versioned", {"name": "stale"}, if_seq_no=0, if_primary_term=1),
        storage.create_document(CONNECTORS, "b", {"name": "b"}),
        return_exceptions=True,
    )
    created, refused = sorted(outcomes[1:3], key=lambda outcome: isinstance(outcome, DocumentExists))
    assert isinstance(created, StoredDocument) and isinstance(refused, DocumentExists)
    assert isinstance(outcomes[3], VersionConflict)
    for doc_id, name in [("a", "a"), ("b", "b"), ("versioned", "v1")]:
        document = await storage.get_document(CONNECTORS, doc_id)
        assert document is not None and document.source == {"name": name}
    dup = await storage.get_document(CONNECTORS, "dup")
    assert dup is not None and dup.source == created.source


async def test_cancelled_callers_leave_no_lock_and_no_partial_write(url: str, storage: SQLiteStorage) -> None:
    sources = {f"c-{n}": {"name": f"n{n}", "nested": {"n": n}} for n in range(60)}
    items = list(sources.items())
    queued = [asyncio.create_task(storage.create_document(CONNECTORS, i, s)) for i, s in items[:20]]
    await asyncio.sleep(0)
    for task in queued[::2]:  # cancelled while still queued
        task.cancel()
    await asyncio.wait_for(asyncio.gather(*queued, return_exceptions=True), 10)
    with write_lock(url):
        running = [asyncio.create_task(storage.create_document(CONNECTORS, i, s)) for i, s in items[20:]]
        await asyncio.sleep(0.05)
        for task in running[::2]:  # cancelled while their batch waits for the lock
            task.cancel()
    tasks = queued + running
    await asyncio.wait_for(asyncio.gather(*running, return_exceptions=True), 10)

    for (doc_id, source), task in zip(items, tasks, strict=True):
        document = await storage.get_document(CONNECTORS, doc_id)
        assert document is None or document.source == source
        if not task.cancelled():
            assert document is not None
    with write_lock(url):  # timeout=0: fails at once if the storage left the lock held
        pass
    await storage.create_document(CONNECTORS, "after", {"name": "after"})
    assert await storage.get_document(CONNECTORS, "after") is not None


def _insert(doc_id: str, source: str | None) -> Callable[[sqlite3.Connection], None]:
    def insert(connection: sqlite3.Connection) -> None:
        connection.execute(
            "INSERT INTO connectors (id, seq_no, primary_term, source, deleted) VALUES (?, 0, 1, ?, 0)",
            (doc_id, source),
        )

    return insert


async def test_a_single_write_that_fails_changes_nothing_and_fails_alone(url: str) -> None:
    writer = SQLiteWriter(lambda: sqlite3.connect(database_path(url), isolation_level=None, check_same_thread=False))
    await writer.start()
    try:
        outcomes = await asyncio.gather(
            writer.submit(_insert("before", "{}"), single_write=True),
            writer.submit(_insert("broken", None), single_write=True),  # source is NOT NULL
            writer.submit(_insert("after", "{}"), single_write=True),
            return_exceptions=True,
        )
    finally:
        await writer.stop()
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], sqlite3.IntegrityError)
    connection = sqlite3.connect(database_path(url))
    try:
        assert [row[0] for row in connection.execute("SELECT id FROM connectors ORDER BY id")] == ["after", "before"]
    finally:
        connection.close()


CALLER: contextvars.ContextVar[str] = contextvars.ContextVar("caller")


async def test_a_transform_runs_on_the_writer_thread_in_its_callers_context(storage: SQLiteStorage) -> None:
    await storage.create_document(CONNECTORS, "c", {"name": "c"})

    async def update_as(caller: str) -> None:
        CALLER.set(caller)
        await storage.update_document(CONNECTORS, "c", lambda source: {**source, caller: CALLER.get()})

    await asyncio.gather(update_as("a"), update_as("b"))
    document = await storage.get_document(CONNECTORS, "c")
    assert document is not None and document.source == {"name": "c", "a": "a", "b": "b"}


async def test_a_write_waits_for_another_connections_lock(url: str, storage: SQLiteStorage) -> None:
    with write_lock(url) as other:
        other.execute("INSERT INTO connectors (id, seq_no, primary_term, source, deleted) VALUES ('x', 0, 1, '{}', 0)")
        asyncio.get_running_loop().call_later(0.2, other.execute, "COMMIT")
        await storage.create_document(CONNECTORS, "mine", {"name": "mine"})
    assert (await storage.search(CONNECTORS, Search(limit=0))).total == 2


async def test_a_lock_held_past_the_retries_is_reported_unavailable_then_recovers(url: str) -> None:
    store = SQLiteStorage(url, busy_timeout=0.02, write_attempts=2)
    await store.open()
    try:
        await store.create_document(CONNECTORS, "before", {"name": "before"})
        with write_lock(url):
            with pytest.raises(StorageUnavailable):
                await store.create_document(CONNECTORS, "blocked", {"name": "blocked"})
            assert await store.get_document(CONNECTORS, "before") is not None  # reads go on beside a writer
        await store.create_document(CONNECTORS, "after", {"name": "after"})
        assert await store.get_document(CONNECTORS, "blocked") is None
    finally:
        await store.close()


CAS_WORKER = """
import asyncio, sys
from storage.documents import update_document
from storage.indices import CONNECTORS
from storage.sqlite import SQLiteStorage

async def write(storage, field, count):
    for value in range(count):
        await update_document(storage, CONNECTORS, "shared", lambda source: {**source, field: value})

async def main(url, prefix, count):
    storage = SQLiteStorage(url)
    await storage.open()
    print("ready", flush=True)
    sys.stdin.readline()
    await asyncio.gather(write(storage, prefix + "_a", count), write(storage, prefix + "_b", count))
    await storage.close()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


async def _start(script: str, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        script,
        *args,
        cwd=REPO,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_two_processes_updating_different_fields_of_one_document_lose_nothing(
    url: str, storage: SQLiteStorage
) -> None:
    await storage.create_document(CONNECTORS, "shared", {"name": "shared"})
    count = 40
    workers = [await _start(CAS_WORKER, url, prefix, str(count)) for prefix in ("p1", "p2")]
    try:
        for worker in workers:
            assert worker.stdout is not None and await worker.stdout.readline() == b"ready\n"
        for worker in workers:  # both start writing only once both are ready
            assert worker.stdin is not None
            worker.stdin.write(b"go\n")
        results = await asyncio.wait_for(asyncio.gather(*(worker.communicate() for worker in workers)), 15)
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()

    assert [(worker.returncode, stderr) for worker, (_, stderr) in zip(workers, results, strict=True)] == [
        (0, b""),
        (0, b""),
    ]
    document = await storage.get_document(CONNECTORS, "shared")
    assert document is not None
    last = count - 1
    assert document.source == {"name": "shared", "p1_a": last, "p1_b": last, "p2_a": last, "p2_b": last}
    assert document.seq_no == 4 * count


KILLED_WRITER = """
import asyncio, sys, time
from storage.indices import CONNECTORS
from storage.sqlite import SQLiteStorage

async def main(url):
    storage = SQLiteStorage(url)
    await storage.open()
    await asyncio.gather(*(storage.create_document(CONNECTORS, f"k-{n}", {"n": n}) for n in range(30)))
    print("acknowledged", flush=True)
    time.sleep(60)

asyncio.run(main(sys.argv[1]))
"""


async def test_acknowledged_writes_survive_a_killed_process(url: str) -> None:
    writer = await _start(KILLED_WRITER, url)
    assert writer.stdout is not None
    assert await asyncio.wait_for(writer.stdout.readline(), 10) == b"acknowledged\n"
    writer.kill()
    await writer.wait()

    store = SQLiteStorage(url)
    await store.open()
    try:
        assert (await store.search(CONNECTORS, Search(limit=0))).total == 30
    finally:
        await store.close()


async def test_open_refuses_a_database_that_was_never_migrated(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    with pytest.raises(StorageError, match="connector-api migrate"):
        await SQLiteStorage(f"sqlite:///{path}").open()


async def test_open_does_not_create_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(StorageError, match="does not exist"):
        await SQLiteStorage(f"sqlite:///{path}").open()
    assert not path.exists()


async def test_a_closed_storage_reports_unavailable(url: str) -> None:
    store = SQLiteStorage(url)
    await store.open()
    await store.ping()
    await store.close()
    with pytest.raises(StorageUnavailable):
        await store.ping()
    with pytest.raises(StorageUnavailable):
        await store.create_document(CONNECTORS, "late", {"name": "late"})


async def test_contains_takes_brackets_literally(storage: SQLiteStorage) -> None:
    await storage.create_document(CONNECTORS, "bracket", {"name": "a[b]c"})
    await storage.create_document(CONNECTORS, "plain", {"name": "abc"})
    found = await storage.search(CONNECTORS, Search(contains=Contains(("name",), "[b]")))
    assert [doc.id for doc in found.documents] == ["bracket"]


def test_every_index_has_its_table_and_columns_in_the_schema() -> None:
    from storage.sql.tables import TABLES

    for index in ALL_INDICES:
        table = TABLES[index.name]
        assert table.name == index.table
        assert set(table.c.keys()) == {"id", "seq_no", "primary_term", "source", *(f.name for f in index.fields)}
