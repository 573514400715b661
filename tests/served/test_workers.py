"""`serve --workers N`: several Hypercorn worker processes sharing one SQLite file and one port."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.served.server import run_serve, serving, stop

pytestmark = pytest.mark.served

REQUESTS = 64


def create_on_a_new_connection(base_url: str, number: int) -> int:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        return client.put(f"/_connector/worker-{number}", json={"name": f"connector {number}"}).status_code


def test_two_workers_on_sqlite_start_and_both_answer(tmp_path: Path) -> None:
    # The (JSON) access log carries each worker's process id; it is complete once the server has stopped.
    config = tmp_path / "settings.toml"
    config.write_text('access_log = true\nlog_format = "json"\n', encoding="utf-8")
    storage = f"sqlite:///{tmp_path / 'shared.db'}"
    with serving(tmp_path, "--storage", storage, "--workers", "2", "--config", str(config)) as instance:
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda n: create_on_a_new_connection(instance.url, n), range(REQUESTS)))
        listed = httpx.get(instance.url + "/_connector", params={"size": 1000}).json()
        status = stop(instance.process)

    workers = {
        line["process"]["pid"]
        for line in map(json.loads, re.findall(r"^\{.*\}$", instance.output(), re.MULTILINE))
        if line.get("url", {}).get("path", "").startswith("/_connector/worker-")
    }
    assert statuses == [201] * REQUESTS
    assert listed["count"] == REQUESTS
    assert len(workers) == 2, instance.output()
    assert status == 0


def test_memory_storage_with_two_workers_is_refused(tmp_path: Path) -> None:
    completed = run_serve(tmp_path, "--storage", "memory://", "--workers", "2")

    assert (completed.returncode, completed.stdout) == (2, "")
    assert completed.stderr.startswith("connector-api: error: memory:// storage cannot be served by 2 workers: ")
    assert completed.stderr.count("\n") == 1
