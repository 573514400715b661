"""The single writer of `storage.sqlite`: group commits, each operation atomic on its own.

Callers hand `SQLiteWriter.submit` an operation: a plain function of a `sqlite3.Connection`
that runs a statement or two and returns a value or raises. One task takes whatever operations
are queued (at most `max_batch`) and runs them as one batch on the writer thread:

    BEGIN IMMEDIATE; SAVEPOINT op; <op 1>; RELEASE op; ...; COMMIT

and answers each caller only after that COMMIT. One fsync then covers a whole burst of
concurrent requests, which is what lets SQLite keep up with the HTTP layer (see
/work/shared/perf-notes.md). Each operation runs in its own savepoint, so one that fails
(a version conflict, a duplicate id) is rolled back alone and reported to its caller alone.
An operation submitted as `single_write` skips its savepoint: it changes the database in one
statement at most, its last, and SQLite undoes a failing statement by itself. That saves two
statements, and two hand-overs of the GIL, per request on the hot path.

The whole transaction is one synchronous call on a thread that owns the connection, so no
coroutine can interleave with it and a caller cancelled mid-request can never leave the
write lock held or a transaction open: its operation either commits with its batch or never
runs. That is also why the writer uses the stdlib `sqlite3` module on its own thread rather
than aiosqlite's per-statement calls: a batch is one trip to the thread instead of three per
operation (about 7x the throughput at 16 concurrent writers on the reference machine).

Other processes may write the same file. `BEGIN IMMEDIATE` waits for their lock up to the
connection's busy timeout; a batch that still finds the database locked is retried whole
with jittered backoff, and after `attempts` tries its callers get `StorageUnavailable`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from storage.errors import StorageUnavailable

LOG = logging.getLogger(__name__)

T = TypeVar("T")
Operation = Callable[[sqlite3.Connection], T]

_TRANSIENT = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_UNAVAILABLE = _TRANSIENT | {sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN}


def is_locked(error: sqlite3.Error) -> bool:
    """SQLITE_BUSY/SQLITE_LOCKED ("database is locked"): another connection holds the lock."""
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in _TRANSIENT


def is_unavailable(error: sqlite3.Error) -> bool:
    """Errors of the database rather than of the request: locked, I/O, disk full, unopenable."""
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in _UNAVAILABLE


@dataclass(slots=True)
class _Request:
    operation: Operation[Any]
    future: asyncio.Future[Any]
    single_write: bool


@dataclass(frozen=True, slots=True)
class _Failed:
    error: Exception


def _run_batch(connection: sqlite3.Connection, requests: list[_Request]) -> list[Any]:
    """One transaction holding every operation; each outcome is its result or a `_Failed`."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        outcomes = [_run_operation(connection, request.operation, request.single_write) for request in requests]
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return outcomes


def _run_operation(connection: sqlite3.Connection, operation: Operation[Any], single_write: bool) -> Any:
    if not single_write:
        connection.execute("SAVEPOINT operation")
    try:
        result = operation(connection)
    except sqlite3.Error as error:
        # A lock lost, or an error after which SQLite rolled back the whole transaction,
        # takes every operation of the batch with it: the batch fails (and may be retried).
        if is_locked(error) or not connection.in_transaction:
            raise
        _undo(connection, single_write)
        return _Failed(error)
    except Exception as error:
        _undo(connection, single_write)
        return _Failed(error)
    if not single_write:
        connection.execute("RELEASE operation")
    return result


def _undo(connection: sqlite3.Connection, single_write: bool) -> None:
    if not single_write:
        connection.execute("ROLLBACK TO operation")
        connection.execute("RELEASE operation")


class SQLiteWriter:
    """Owns the writer connection, its thread, and the task that batches operations onto it."""

    def __init__(
        self,
        connect: Callable[[], sqlite3.Connection],
        *,
        max_batch: int = 64,
        attempts: int = 4,
        backoff: float = 0.01,
    ) -> None:
        self._connect = connect
        self._max_batch = max_batch
        self._attempts = attempts
        self._backoff = backoff
        self._queue: asyncio.Queue[_Request | None] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        self._connection: sqlite3.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._in_flight: list[_Request] = []
        self._closing = False

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done() and not self._closing

    async def start(self) -> None:
        try:
            self._connection = await self._in_thread(self._connect)
        except BaseException:
            self._executor.shutdown(wait=False)
            raise
        self._task = asyncio.create_task(self._run(), name="sqlite-writer")

    async def submit(self, operation: Operation[T], *, single_write: bool = False) -> T:
        """Run `operation` in the next batch; return or raise its outcome once that batch committed.

        `single_write`: the operation writes with one statement at most, and only as its last
        step, so it needs no savepoint of its own (see the module's docstring).
        """
        if not self.running:
            raise StorageUnavailable("the SQLite storage is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Request(operation, future, single_write))
        return await future

    async def stop(self) -> None:
        """Commit everything already submitted, then close the connection and its thread."""
        try:
            if self._task is not None and not self._closing:
                self._closing = True
                self._queue.put_nowait(None)
                # Shielded: a cancelled shutdown must not abandon writes already submitted.
                await asyncio.shield(self._task)
        finally:
            if self._connection is not None:
                connection, self._connection = self._connection, None
                await self._in_thread(connection.close)
            self._executor.shutdown(wait=True)

    async def _in_thread(self, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)

    async def _run(self) -> None:
        stopping = False
        try:
            while not stopping:
                batch, stopping = await self._next_batch()
                self._in_flight = batch
                try:
                    await self._commit(batch)
                except Exception as error:  # the writer must outlive any one batch
                    _settle(batch, [_Failed(error)] * len(batch))
                self._in_flight = []
        finally:
            self._fail_pending(StorageUnavailable("the SQLite storage was closed before this write ran"))

    async def _next_batch(self) -> tuple[list[_Request], bool]:
        items = [await self._queue.get()]
        while len(items) < self._max_batch and not self._queue.empty():
            items.append(self._queue.get_nowait())
        return [item for item in items if item is not None], None in items

    async def _commit(self, batch: list[_Request]) -> None:
        for attempt in range(self._attempts):
            # A caller cancelled before its operation ran gets nothing written on its behalf.
            batch = [request for request in batch if not request.future.done()]
            if not batch:
                return
            assert self._connection is not None
            try:
                outcomes = await self._in_thread(_run_batch, self._connection, batch)
            except sqlite3.Error as error:
                if is_locked(error) and attempt + 1 < self._attempts:
                    await asyncio.sleep(self._backoff * 2**attempt * random.uniform(0.5, 1.5))
                    continue
                LOG.warning("SQLite write batch of %d failed on attempt %d: %s", len(batch), attempt + 1, error)
                _settle(batch, [_Failed(_unavailable(error))] * len(batch))
                return
            _settle(batch, outcomes)
            return

    def _fail_pending(self, error: StorageUnavailable) -> None:
        pending = list(self._in_flight)
        while not self._queue.empty():
            request = self._queue.get_nowait()
            if request is not None:
                pending.append(request)
        _settle(pending, [_Failed(error)] * len(pending))


def _settle(batch: list[_Request], outcomes: list[Any]) -> None:
    for request, outcome in zip(batch, outcomes, strict=True):
        if request.future.done():
            continue
        if isinstance(outcome, _Failed):
            request.future.set_exception(outcome.error)
        else:
            request.future.set_result(outcome)


def _unavailable(error: sqlite3.Error) -> Exception:
    if is_unavailable(error):
        unavailable = StorageUnavailable(f"SQLite database unavailable: {error}")
        unavailable.__cause__ = error
        return unavailable
    return error
