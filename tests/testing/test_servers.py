"""Disposable servers: in a background thread (sync and async forms) and in a child process."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.routes.testing import RESET_PATH
from app.testing import serve_in_background, serve_in_subprocess, serve_in_thread
from app.testing.embedded import ServerStopped, wait_until_answering
from app.testing.seed import SeedError
from app.testing.server import free_port
from config.settings import Settings


def request(url: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, None if body is None else json.dumps(body), headers)
        response = connection.getresponse()
        text = response.read()
        return response.status, json.loads(text) if text else None
    finally:
        connection.close()


def refuses_connections(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) != 0


@pytest.fixture
def seed_file(tmp_path: Path) -> str:
    path = tmp_path / "seed.json"
    path.write_text('[{"id": "seeded", "name": "From the seed"}]')
    return str(path)


def test_thread_server_answers_on_loopback_and_stops_on_exit() -> None:
    with serve_in_thread() as url:
        assert url.startswith("http://127.0.0.1:")
        assert request(url, "PUT", "/_connector/a", {"name": "A"})[0] == 201
        assert request(url, "GET", "/_connector/a")[1]["name"] == "A"
        assert request(url, "POST", RESET_PATH) == (200, {"acknowledged": True})
    assert refuses_connections(url)


def test_two_thread_servers_are_independent() -> None:
    with serve_in_thread() as first, serve_in_thread() as second:
        request(first, "PUT", "/_connector/only-first", {})
        assert request(second, "GET", "/_connector/only-first")[0] == 404
        assert first != second


def test_thread_server_uses_the_settings_seed_and_test_mode(seed_file: str) -> None:
    with serve_in_thread(Settings(storage="memory://", seed=seed_file)) as url:
        assert request(url, "GET", "/_connector/seeded")[1]["name"] == "From the seed"
        assert request(url, "POST", RESET_PATH)[0] == 404


def test_thread_server_on_a_new_sqlite_file_migrates_it_first(tmp_path: Path) -> None:
    with serve_in_thread(Settings(storage=f"sqlite:///{tmp_path / 'new.db'}", test_mode=True)) as url:
        assert request(url, "PUT", "/_connector/kept", {"name": "Kept"})[0] == 201
    with serve_in_thread(Settings(storage=f"sqlite:///{tmp_path / 'new.db'}")) as url:
        assert request(url, "GET", "/_connector/kept")[1]["name"] == "Kept"


def test_thread_server_that_cannot_start_raises_and_leaves_no_thread(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text('[{"id": "x", "index_name": "-bad"}]')
    with pytest.raises(SeedError, match=r"item 1: Validation Failed: 1: \[-bad\] InvalidIndexNameException"):
        with serve_in_thread(Settings(storage="memory://", seed=str(path))):
            pass


async def test_background_server_serves_while_this_loop_runs() -> None:
    async with serve_in_background() as url:
        assert request(url, "PUT", "/_connector/async", {"name": "Async"})[0] == 201
        assert request(url, "GET", "/_connector/async")[1]["name"] == "Async"
    assert refuses_connections(url)


@pytest.mark.served
def test_subprocess_server_is_a_real_connector_api_serve(seed_file: str) -> None:
    with serve_in_subprocess(Settings(storage="memory://", test_mode=True, seed=seed_file)) as url:
        assert request(url, "GET", "/_connector/seeded")[1]["name"] == "From the seed"
        request(url, "PUT", "/_connector/seeded/_name", {"name": "Changed"})
        assert request(url, "POST", RESET_PATH)[0] == 200
        assert request(url, "GET", "/_connector/seeded")[1]["name"] == "From the seed"
    assert refuses_connections(url)


@pytest.mark.served
def test_subprocess_server_that_fails_reports_its_output() -> None:
    with pytest.raises(ServerStopped, match=r"exit status 2, output: .*storage URL scheme \[nosuch\]"):
        with serve_in_subprocess(Settings(storage="nosuch://x")):
            pass


def serve_command(*options: str) -> subprocess.Popen[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CONNECTOR_API_")}
    return subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--storage", "memory://", *options],
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def served_with_flags(seed_file: str) -> Iterator[str]:
    port = free_port()
    child = serve_command("--port", str(port), "--test-mode", "--seed", seed_file)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(url, lambda: child.poll() is None)
        yield url
    finally:
        child.terminate()
        child.communicate(timeout=10)


@pytest.mark.served
def test_serve_command_takes_the_test_mode_and_seed_flags(served_with_flags: str) -> None:
    assert request(served_with_flags, "GET", "/_connector/seeded")[1]["name"] == "From the seed"
    request(served_with_flags, "DELETE", "/_connector/seeded")
    assert request(served_with_flags, "POST", RESET_PATH) == (200, {"acknowledged": True})
    assert request(served_with_flags, "GET", "/_connector/seeded")[0] == 200


@pytest.mark.served
def test_serve_command_with_a_bad_seed_file_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "seed.ndjson"
    path.write_text('{"name": "no id"}\n')
    child = serve_command("--port", str(free_port()), "--seed", str(path))
    _, errors = child.communicate(timeout=30)
    assert child.returncode == 2
    assert errors.splitlines()[-1] == f"connector-api: error: seed file {path}, line 1: Required [id]"
