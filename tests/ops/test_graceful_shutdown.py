"""SIGTERM lets the requests in flight finish, closes the storage, and exits 0 within the graceful timeout.

Requests are made slow by real means, nothing added to the API: the test holds SQLite's write
lock so that the server's write waits for it, or sends a request body in two halves. The
requests go over a raw socket that has already been answered once, so the server has
certainly accepted the connection before the signal.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from storage.indices import CONNECTORS
from storage.sqlite import SQLiteStorage
from tests.ops.served import served_with
from tests.served.server import Served

pytestmark = pytest.mark.served

GRACEFUL_TIMEOUT = 5.0
IN_FLIGHT = 0.5
"""Seconds given to the server to read what was sent before the signal goes."""


def connected(served: Served) -> socket.socket:
    """A keep-alive connection the server has already answered (`GET /`) and is serving."""
    host, port = served.url.removeprefix("http://").rsplit(":", 1)
    connection = socket.create_connection((host, int(port)), timeout=30)
    connection.sendall(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
    assert read_response(connection)[0] == 200
    return connection


def put_head(path: str, body: bytes) -> bytes:
    return (
        f"PUT {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()


def read_response(connection: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += _receive(connection)
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    while len(body) < int(headers.get("content-length", "0")):
        body += _receive(connection)
    return int(status_line.split()[1]), headers, body


def _receive(connection: socket.socket) -> bytes:
    chunk = connection.recv(65536)
    if not chunk:
        raise ConnectionError("the server closed the connection before answering")
    return chunk


def terminate(served: Served) -> float:
    served.process.send_signal(signal.SIGTERM)
    return time.monotonic()


def stored_connector(database: Path, connector_id: str) -> dict[str, object] | None:
    async def read() -> dict[str, object] | None:
        storage = SQLiteStorage(f"sqlite:///{database}")
        await storage.open()
        try:
            document = await storage.get_document(CONNECTORS, connector_id)
        finally:
            await storage.close()
        return None if document is None else document.source

    return asyncio.run(read())


def test_a_write_waiting_for_the_database_lock_completes_after_sigterm(tmp_path: Path) -> None:
    database = tmp_path / "graceful.db"
    body = json.dumps({"index_name": "search-graceful", "name": "Written during shutdown"}).encode()
    settings = {"storage": f"sqlite:///{database}", "graceful_timeout": GRACEFUL_TIMEOUT}
    with served_with(tmp_path, **settings) as served, connected(served) as connection:
        blocker = sqlite3.connect(database, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # SQLite's write lock: the server's write now waits
        connection.sendall(put_head("/_connector/graceful", body) + body)
        time.sleep(IN_FLIGHT)
        signalled = terminate(served)
        time.sleep(IN_FLIGHT)
        still_running = served.process.poll() is None
        blocker.execute("ROLLBACK")
        blocker.close()
        status, _, answer = read_response(connection)
        exit_status = served.process.wait(GRACEFUL_TIMEOUT + 5)
        stopped_after = time.monotonic() - signalled

    assert still_running
    assert (status, json.loads(answer)) == (201, {"result": "created", "id": "graceful"})
    assert exit_status == 0, served.output()
    assert stopped_after < GRACEFUL_TIMEOUT
    assert "Traceback" not in served.output()
    assert not Path(f"{database}-wal").exists()  # the last connection closed cleanly, checkpointing the log
    with closing(sqlite3.connect(database)) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = stored_connector(database, "graceful")
    assert stored is not None and stored["name"] == "Written during shutdown"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_request_whose_body_is_still_arriving_completes_after_sigterm(tmp_path: Path, workers: int) -> None:
    database = tmp_path / "graceful.db"
    body = json.dumps({"index_name": "search-slow-body", "name": "Sent in two halves"}).encode()
    settings = {"storage": f"sqlite:///{database}", "graceful_timeout": GRACEFUL_TIMEOUT, "workers": workers}
    with served_with(tmp_path, **settings) as served, connected(served) as connection:
        connection.sendall(put_head("/_connector/slow-body", body) + body[: len(body) // 2])
        time.sleep(IN_FLIGHT)
        terminate(served)
        time.sleep(IN_FLIGHT)
        still_running = served.process.poll() is None
        connection.sendall(body[len(body) // 2 :])
        status, _, _ = read_response(connection)
        closed_after_the_response = connection.recv(1) == b""
        exit_status = served.process.wait(GRACEFUL_TIMEOUT + 5)

    assert still_running
    assert status == 201
    assert closed_after_the_response
    assert exit_status == 0, served.output()
    assert stored_connector(database, "slow-body") is not None


def test_a_request_stalled_past_the_graceful_timeout_does_not_hold_the_server(tmp_path: Path) -> None:
    timeout = 1.0
    body = b'{"name": "never finished"}'
    settings = {"storage": f"sqlite:///{tmp_path / 'graceful.db'}", "graceful_timeout": timeout}
    with served_with(tmp_path, **settings) as served, connected(served) as connection:
        connection.sendall(put_head("/_connector/stalled", body) + body[:5])
        time.sleep(IN_FLIGHT)
        signalled = terminate(served)
        exit_status = served.process.wait(timeout + 10)
        stopped_after = time.monotonic() - signalled

    assert exit_status == 0, served.output()
    assert timeout <= stopped_after < timeout + 5
