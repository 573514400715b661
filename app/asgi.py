"""The importable app factory for Hypercorn's worker processes: `app.asgi:create_asgi_app()`.

`connector-api serve --workers N` exports its settings as `CONNECTOR_API_*` variables and
lets Hypercorn start N processes that each call this. It also serves Hypercorn's own command
line (`hypercorn --config config/hypercorn.toml 'app.asgi:create_asgi_app()'`), so it brings
the schema up to date itself; with a database already at head that costs one cheap version read.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal

from quart import Quart

from app import create_app
from config.loading import load_settings
from config.logging import configure_logging
from storage.migrations import upgrade_to_head

LOGGERS = ("",)
"""The loggers `configure_logging` changes: the root logger, whose handler formats every record."""


def create_asgi_app() -> Quart:
    """The app for the settings in the environment (and the TOML file it names)."""
    _leave_sigterm_to_the_supervisor()
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    # Alembic announces each of its plugins at INFO; its "Running upgrade" lines are the news.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    upgrade_to_head(settings.storage)
    return create_app(settings)


def _leave_sigterm_to_the_supervisor() -> None:
    """In a worker process that Hypercorn supervises, ignore SIGTERM: the supervisor turns its own
    SIGTERM into a graceful stop of every worker (a shared event). A worker that died of a SIGTERM
    of its own would drop the requests it is finishing: systemd signals the whole process group,
    and Hypercorn 0.18's supervisor terminates the workers still busy as soon as one has exited
    (`connector-api serve` waits for them instead, see `app.cli`)."""
    if multiprocessing.parent_process() is not None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
