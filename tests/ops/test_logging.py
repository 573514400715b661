"""Structured logs: ECS JSON or console lines, one access record per request, request ids (X-Opaque-Id)."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import ecs_logging
import pytest
from quart import Quart

from app import create_app
from config.logging import (
    ECS_EXCLUDED_FIELDS,
    ConsoleFormatter,
    EcsFormatter,
    configure_logging,
    formatter_for,
    log_context,
)
from config.settings import Settings
from tests.api.conftest import Api

Records = Callable[[], list[dict[str, Any]]]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def json_log() -> Iterator[Records]:
    """The root logger writing JSON into a buffer for the test; the previous set-up restored after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("info", "json", stream=stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.handlers, root.level = handlers, level


@pytest.fixture
async def logging_app() -> AsyncIterator[Quart]:
    application = create_app(Settings(storage="memory://", access_log=True))
    async with application.test_app():
        yield application


@pytest.fixture
def api(logging_app: Quart) -> Api:
    return Api(logging_app.test_client())


def access(records: Records) -> list[dict[str, Any]]:
    return [record for record in records() if record["log"]["logger"] == "connector_api.access"]


def record_with(**extra: Any) -> logging.LogRecord:
    return logging.getLogger("connector_api.test").makeRecord(
        "connector_api.test", logging.WARNING, "here.py", 12, "storage said %s", ("no",), None, "check", extra
    )


def test_auto_is_console_on_a_terminal_and_json_elsewhere() -> None:
    assert isinstance(formatter_for("auto", Terminal()), ConsoleFormatter)
    assert isinstance(formatter_for("auto", io.StringIO()), EcsFormatter)
    assert isinstance(formatter_for("json", Terminal()), EcsFormatter)
    assert isinstance(formatter_for("console", io.StringIO()), ConsoleFormatter)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"http.request.id": "abc", "http.request.method": "PUT", "url.path": "/_connector/x", "event.duration": 1200},
        {"labels": {"team": "search", "zone.name": "a"}, "skipped": None},
    ],
)
def test_json_lines_are_the_documents_ecs_logging_writes(extra: dict[str, Any]) -> None:
    record = record_with(**extra)
    reference = ecs_logging.StdlibFormatter(exclude_fields=ECS_EXCLUDED_FIELDS)

    line = EcsFormatter().format(record)

    assert json.loads(line) == json.loads(reference.format(record))
    assert list(json.loads(line))[:3] == ["@timestamp", "log.level", "message"]


def test_an_exception_is_written_with_ecs_error_fields_as_ecs_logging_does() -> None:
    try:
        raise ValueError("the database said no")
    except ValueError:
        record = record_with()
        record.exc_info = sys.exc_info()
    reference = ecs_logging.StdlibFormatter(exclude_fields=ECS_EXCLUDED_FIELDS)

    document = json.loads(EcsFormatter().format(record))

    assert document == json.loads(reference.format(record))
    assert (document["error"]["type"], document["error"]["message"]) == ("ValueError", "the database said no")


def test_console_lines_are_readable_and_end_with_the_request_id() -> None:
    line = ConsoleFormatter().format(record_with(**{"http.request.id": "req-7"}))

    assert line.endswith(" WARNING connector_api.test: storage said no [req-7]")


def test_configuring_again_replaces_only_its_own_handler(json_log: Records) -> None:
    other = logging.NullHandler()
    logging.getLogger().addHandler(other)
    try:
        configure_logging("warning", "json", stream=io.StringIO())
        ours = [handler for handler in logging.getLogger().handlers if getattr(handler, "connector_api_handler", 0)]
        assert len(ours) == 1 and other in logging.getLogger().handlers
        assert logging.getLogger().level == logging.WARNING
    finally:
        logging.getLogger().removeHandler(other)


@pytest.mark.memory
async def test_each_request_writes_one_access_record_with_its_fields(json_log: Records, api: Api) -> None:
    await api.put("/_connector/logged?pretty", {"name": "Logged"}, headers={"X-Opaque-Id": "opaque-1"})

    [record] = access(json_log)
    assert record["message"].startswith('- "PUT /_connector/logged?pretty HTTP/1.1" 201 ')
    assert record["http"] == {
        "request": {"id": "opaque-1", "method": "PUT"}, "response": {"status_code": 201}, "version": "1.1"
    }
    assert record["url"] == {"path": "/_connector/logged", "query": "pretty", "scheme": "http"}
    assert record["event"]["duration"] > 0
    assert record["log.level"] == "info"


@pytest.mark.memory
async def test_x_opaque_id_is_echoed_and_otherwise_an_id_is_made_up(json_log: Records, api: Api) -> None:
    given = await api.client.get("/", headers={"X-Opaque-Id": "from-client"})
    absent = await api.client.get("/")

    ids = [record["http"]["request"]["id"] for record in access(json_log)]
    assert given.headers["X-Opaque-Id"] == "from-client"
    assert "X-Opaque-Id" not in absent.headers
    assert ids[0] == "from-client" and len(ids[1]) == 32 and ids[1] != ids[0]


@pytest.mark.sqlite
async def test_application_records_logged_during_a_request_carry_its_id(json_log: Records, sqlite_url: str) -> None:
    application = create_app(Settings(storage=sqlite_url))
    async with application.test_app():
        await application.extensions["connector_api.storage"].close()  # the health check now logs a warning
        await application.test_client().get("/_cluster/health", headers={"X-Opaque-Id": "probe-9"})

    [warning] = [record for record in json_log() if record["log"]["logger"] == "connector_api.health"]
    assert warning["http"]["request"]["id"] == "probe-9"
    assert warning["log.level"] == "warning"


def test_records_outside_a_request_have_no_request_id(json_log: Records) -> None:
    assert log_context.get() is None
    logging.getLogger("connector_api").warning("starting")

    assert "http" not in json_log()[0]
