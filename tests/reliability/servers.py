"""Served instances for the reliability tests: one storage per backend, started, killed and restarted.

Built on `tests.served.server` (the real `connector-api serve` subprocess); the databases are
throw-away ones from `tests.databases`, so that no test sees another's rows.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.databases import throwaway_database
from tests.served.server import Served, serving

SQLITE = pytest.param("sqlite", marks=pytest.mark.sqlite)
SQLALCHEMY_SQLITE = pytest.param("sqlalchemy_sqlite", marks=pytest.mark.sqlalchemy_sqlite)
POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)
MARIADB = pytest.param("mariadb", marks=pytest.mark.mariadb)

PRODUCT_HEADER = "X-Elastic-Product"


@contextmanager
def backend_storage(kind: str, directory: Path) -> Iterator[str]:
    """A fresh storage URL of `kind` (sqlite, sqlalchemy_sqlite, postgres or mariadb), gone afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'reliability.db'}"
    elif kind == "sqlalchemy_sqlite":
        yield f"sqlite+aiosqlite:///{directory / 'reliability.db'}"
    else:
        with throwaway_database(kind) as url:
            yield url


@contextmanager
def serve(directory: Path, storage: str, *, workers: int = 1, settings: str = "") -> Iterator[Served]:
    """`connector-api serve` on `storage`; `settings` is TOML for a `--config` file (e.g. access_log)."""
    options = ["--storage", storage, "--workers", str(workers)]
    if settings:
        config = directory / "settings.toml"
        config.write_text(settings, encoding="utf-8")
        options += ["--config", str(config)]
    with serving(directory, *options) as instance:
        yield instance


def kill(instance: Served) -> None:
    """SIGKILL: no graceful shutdown, no flush, no closing of the storage."""
    instance.process.send_signal(signal.SIGKILL)
    instance.process.wait(10)


def access_log_pids(instance: Served, path_prefix: str) -> set[int]:
    """The process ids that served requests under `path_prefix`, read from the JSON access log."""
    pids: set[int] = set()
    for line in instance.output().splitlines():
        try:
            record: dict[str, Any] = json.loads(line)
        except ValueError:
            continue
        if record.get("log", {}).get("logger") != "connector_api.access":
            continue
        if str(record.get("url", {}).get("path", "")).startswith(path_prefix):
            pids.add(int(record["process"]["pid"]))
    return pids


def assert_error_envelope(response: httpx.Response) -> dict[str, Any]:
    """The `error` object of an Elasticsearch error response, after checking the envelope and header."""
    assert response.headers.get(PRODUCT_HEADER) == "Elasticsearch", (response.status_code, response.headers)
    body = response.json()
    assert set(body) == {"error", "status"}, body
    assert body["status"] == response.status_code, body
    error: dict[str, Any] = body["error"]
    assert isinstance(error.get("type"), str) and isinstance(error.get("reason"), str), body
    root_causes = error.get("root_cause")
    assert isinstance(root_causes, list) and root_causes, body
    assert {"type", "reason"} <= set(root_causes[0]), body
    return error
