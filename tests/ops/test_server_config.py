"""The shipped server configuration: config/hypercorn.toml, and how it fits config/nginx.example.conf."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from hypercorn.config import Config

from app.cli import hypercorn_config
from config.settings import Settings
from tests.ops.served import log_records
from tests.served.server import Served, free_port, server_environment, stop, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
HYPERCORN_TOML = ROOT / "config" / "hypercorn.toml"
NGINX_EXAMPLE = ROOT / "config" / "nginx.example.conf"


def nginx_upstream_keepalive_seconds() -> float:
    found = re.search(r"^\s*keepalive_timeout (\d+)s;", NGINX_EXAMPLE.read_text(encoding="utf-8"), re.MULTILINE)
    assert found is not None
    return float(found.group(1))


def test_hypercorn_toml_sets_workers_uvloop_keep_alive_and_graceful_timeout() -> None:
    config = Config.from_toml(HYPERCORN_TOML)

    assert config.workers >= 2
    assert config.worker_class == "uvloop"
    assert config.keep_alive_timeout >= 60
    assert config.graceful_timeout >= 5
    assert config.accesslog is None  # the app writes its own


def test_nginx_gives_up_idle_upstream_connections_before_the_server_closes_them() -> None:
    nginx = nginx_upstream_keepalive_seconds()

    assert nginx < Config.from_toml(HYPERCORN_TOML).keep_alive_timeout
    assert nginx < hypercorn_config(Settings()).keep_alive_timeout


@pytest.mark.served
def test_hypercorns_own_command_line_with_the_toml_logs_each_record_once_as_json(tmp_path: Path) -> None:
    port = free_port()
    environment = server_environment() | {
        "CONNECTOR_API_STORAGE": "memory://", "CONNECTOR_API_ACCESS_LOG": "true", "CONNECTOR_API_LOG_FORMAT": "json",
    }
    log = tmp_path / "hypercorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "hypercorn", "--config", str(HYPERCORN_TOML), "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "app.asgi:create_asgi_app()"],
            cwd=tmp_path, env=environment, stdout=output, stderr=subprocess.STDOUT,
        )
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_answering(served)
        httpx.get(served.url + "/", headers={"X-Opaque-Id": "via-hypercorn"})
    finally:
        status = stop(process)

    lines = served.output().splitlines()
    records = log_records(served.output())
    assert status == 0
    assert len(records) == len(lines), served.output()  # JSON only: no line in Hypercorn's own format
    assert [record["log"]["logger"] for record in records].count("hypercorn.error") >= 1
    assert sum("Running on" in record["message"] for record in records) == 1
    assert [r["http"]["request"]["id"] for r in records if r["log"]["logger"] == "connector_api.access"].count(
        "via-hypercorn"
    ) == 1
