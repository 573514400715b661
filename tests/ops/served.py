"""Served instances with given settings, and the JSON log records they write."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.served.server import Served, serving

ACCESS_LOGGER = "connector_api.access"


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)  # a TOML basic string or number is written as JSON writes it


@contextmanager
def served_with(directory: Path, *options: str, **settings: object) -> Iterator[Served]:
    """`connector-api serve` with `settings` in a TOML file, JSON logs, and `options` on its command line."""
    config = directory / "settings.toml"
    lines = [f"{name} = {toml_value(value)}" for name, value in {"log_format": "json", **settings}.items()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with serving(directory, "--config", str(config), *options) as instance:
        yield instance


def log_records(output: str) -> list[dict[str, Any]]:
    """The JSON records among a server's output lines."""
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def access_records(output: str) -> list[dict[str, Any]]:
    return [record for record in log_records(output) if record["log"]["logger"] == ACCESS_LOGGER]


def access_record(served: Served, request_id: str, timeout: float = 5.0) -> dict[str, Any]:
    """The one access record of the request sent with `X-Opaque-Id: <request_id>`.

    The server writes it once the response has gone, so it may come a moment after the client
    has read the response.
    """
    deadline = time.monotonic() + timeout
    while True:
        output = served.output()
        found = [record for record in access_records(output) if record["http"]["request"]["id"] == request_id]
        if found or time.monotonic() > deadline:
            assert len(found) == 1, output
            return found[0]
        time.sleep(0.02)
