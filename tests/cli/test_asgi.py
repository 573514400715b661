"""`app.asgi:create_asgi_app()`, the factory Hypercorn's worker processes import."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

import migrations
from app.asgi import LOGGERS, create_asgi_app
from app.state import SETTINGS_KEY
from storage.migrations import current_revision


@pytest.fixture(autouse=True)
def restored_loggers() -> Iterator[None]:
    """The factory configures logging for its process; leave the test process as it was."""
    loggers = [logging.getLogger(name) for name in LOGGERS]
    saved = [(logger.handlers[:], logger.level) for logger in loggers]
    yield
    for logger, (handlers, level) in zip(loggers, saved, strict=True):
        logger.handlers, logger.level = handlers, level


def test_factory_reads_its_settings_from_the_environment_and_migrates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path}/worker.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONNECTOR_API_STORAGE", url)
    monkeypatch.setenv("CONNECTOR_API_NODE_NAME", "worker-node")

    application = create_asgi_app()

    settings = application.extensions[SETTINGS_KEY]
    assert (settings.storage, settings.node_name) == (url, "worker-node")
    assert current_revision(url) == migrations.HEAD


async def test_factory_app_answers_the_root_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONNECTOR_API_STORAGE", "memory://")
    application = create_asgi_app()

    async with application.test_app() as test_app:
        response = await test_app.test_client().get("/")

    assert response.status_code == 200
    assert response.headers["X-Elastic-Product"] == "Elasticsearch"
    assert (await response.get_json())["version"]["number"] == "9.2.0"
