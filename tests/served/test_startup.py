"""`connector-api serve` as users start it: up, answering `GET /`, and stopping cleanly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.served.server import Served, command, run_serve, serving, stop

pytestmark = pytest.mark.served


def test_served_instance_answers_root_with_the_product_header(served: Served) -> None:
    response = httpx.get(served.url + "/")

    assert response.status_code == 200
    assert response.headers["X-Elastic-Product"] == "Elasticsearch"
    assert response.headers["content-type"] == "application/json"
    assert response.json()["version"]["number"] == "9.2.0"


def test_unknown_route_is_an_elasticsearch_error_not_html(served: Served) -> None:
    response = httpx.get(served.url + "/_nothing_here")

    assert response.status_code == 404
    assert response.headers["X-Elastic-Product"] == "Elasticsearch"
    error = response.json()["error"]
    assert (error["type"], error["reason"]) == (
        "illegal_argument_exception", "no handler found for uri [/_nothing_here] and method [GET]"
    )


def test_serve_logs_the_url_it_serves_on(served: Served) -> None:
    assert f"serving {served.url} on storage sqlite:///" in served.output()


def test_default_storage_is_created_under_data_in_the_working_directory(tmp_path: Path) -> None:
    with serving(tmp_path) as instance:
        assert httpx.get(instance.url + "/").status_code == 200
        assert (tmp_path / "data" / "connector-api.db").is_file()
        assert "on storage sqlite:///data/connector-api.db with 1 worker" in instance.output()


def test_sigterm_stops_the_server_gracefully_with_status_0(tmp_path: Path) -> None:
    with serving(tmp_path, "--storage", "memory://") as instance:
        status = stop(instance.process)

    assert status == 0
    assert "Traceback" not in instance.output()


def test_python_dash_m_app_is_the_same_command(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "app", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )

    assert completed.returncode == 0
    assert completed.stdout.startswith("usage: connector-api [-h] [--version] {serve,migrate")


def test_invalid_setting_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    completed = run_serve(tmp_path, "--workers", "many")

    assert (completed.returncode, completed.stdout) == (2, "")
    assert completed.stderr == "connector-api: error: invalid value for --workers: 'many' is not an integer\n"


def test_console_script_is_installed() -> None:
    assert command()[0].endswith("connector-api")
