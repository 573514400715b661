"""A real `connector-api serve` process on a temporary SQLite file, shared by the served tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.served.server import Served, serving

CONFORMANCE_USERS = Path(__file__).resolve().parents[2] / "config" / "conformance-users.toml"
CONFORMANCE_ADMIN = ("entsearch-admin", "entsearch-admin-password")
"""The user Elasticsearch's YAML test client authenticates as (`EnterpriseSearchRestIT`)."""


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    directory = tmp_path_factory.mktemp("served")
    with serving(directory, "--storage", f"sqlite:///{directory / 'connector-api.db'}") as instance:
        yield instance


@pytest.fixture(scope="session")
def served_with_users(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A served instance with the conformance users file: authentication on, Elasticsearch's test users."""
    directory = tmp_path_factory.mktemp("served-with-users")
    storage = f"sqlite:///{directory / 'connector-api.db'}"
    options = ("--storage", storage, "--users-file", str(CONFORMANCE_USERS))
    with serving(directory, *options, auth=CONFORMANCE_ADMIN) as instance:
        yield instance
