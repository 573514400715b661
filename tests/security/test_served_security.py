"""`connector-api serve` as users start it: refusing a public address without users, and
authenticating over real HTTP with the shipped conformance users file."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.served.conftest import CONFORMANCE_ADMIN, CONFORMANCE_USERS
from tests.served.server import run_serve, serving

pytestmark = pytest.mark.served


def test_serve_on_a_public_address_without_users_or_keys_exits_with_status_2(tmp_path: Path) -> None:
    completed = run_serve(tmp_path, "--host", "0.0.0.0", "--storage", "memory://")

    assert completed.returncode == 2
    assert completed.stderr.startswith(
        "connector-api: error: refusing to serve http://0.0.0.0:"
    )
    assert "without authentication: no users file and no API key is configured" in completed.stderr
    assert "--insecure" in completed.stderr and "Traceback" not in completed.stderr


def test_serve_with_a_broken_users_file_exits_with_status_2(tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    users.write_text('[roles.x]\ncluster = ["no_such_privilege"]\n')

    completed = run_serve(tmp_path, "--users-file", str(users), "--storage", "memory://")

    assert (completed.returncode, completed.stderr) == (
        2, f"connector-api: error: users file {users}: role [x] has unknown cluster privilege [no_such_privilege]\n"
    )


def test_a_served_instance_with_users_answers_401_403_and_200_over_http(tmp_path: Path) -> None:
    options = ("--storage", "memory://", "--users-file", str(CONFORMANCE_USERS))
    with serving(tmp_path, *options, auth=CONFORMANCE_ADMIN) as instance:
        anonymous = httpx.get(instance.url + "/_connector")
        unprivileged = httpx.get(
            instance.url + "/_connector", auth=("entsearch-unprivileged", "entsearch-unprivileged-password")
        )
        reader = httpx.get(instance.url + "/_connector", auth=("entsearch-user", "entsearch-user-password"))

    assert anonymous.status_code == 401
    assert anonymous.headers.get_list("WWW-Authenticate") == ['Basic realm="security", charset="UTF-8"', "ApiKey"]
    assert "X-Elastic-Product" not in anonymous.headers
    assert unprivileged.status_code == 403
    assert unprivileged.json()["error"]["reason"].startswith(
        "action [cluster:admin/xpack/connector/list] is unauthorized for user [entsearch-unprivileged]"
    )
    assert (reader.status_code, reader.headers["X-Elastic-Product"]) == (200, "Elasticsearch")
