"""The `connector-api` command (also `python -m app`): `serve` and `migrate`.

Settings come from `config.loading` (defaults, TOML file, `CONNECTOR_API_*`, then these
options). A bad setting or storage URL exits with status 2 and one line on stderr; a storage
that cannot be prepared or an address that cannot be bound exits with status 1, also without a
traceback. `serve` applies pending migrations in a short-lived child process, so that the
server's workers never load Alembic and SQLAlchemy on the embedded SQLite path.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from importlib.util import find_spec
from typing import TYPE_CHECKING

from app import cli_security
from config.loading import SettingsError, load_settings, to_environ
from config.settings import Settings
from storage import storage_scheme
from storage.errors import InvalidStorageURL

if TYPE_CHECKING:
    from hypercorn.config import Config

logger = logging.getLogger("connector_api")

ASGI_FACTORY = "app.asgi:create_asgi_app()"
WORKER_EXIT_MARGIN = 5.0
"""Seconds a worker gets beyond the graceful timeout to close its storage and exit."""


class UsageError(Exception):
    """Invalid settings or storage URL: exit status 2."""


class StartupError(Exception):
    """The storage or the listening socket could not be prepared: exit status 1."""


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except (UsageError, SettingsError, InvalidStorageURL) as error:
        return _fail(error, 2)
    except StartupError as error:
        return _fail(error, 1)
    except KeyboardInterrupt:
        return 130
    return status


def build_parser() -> argparse.ArgumentParser:
    defaults = Settings()
    parser = argparse.ArgumentParser(
        prog="connector-api", description="A server that speaks the Elasticsearch Connector REST API."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="{serve,migrate,users,api-key}")

    serve_parser = commands.add_parser("serve", help="apply pending migrations, then serve HTTP")
    serve_parser.add_argument("--host", help=f"address to listen on (default {defaults.host})")
    serve_parser.add_argument("--port", help=f"port to listen on (default {defaults.port})")
    _add_storage_option(serve_parser, defaults)
    serve_parser.add_argument("--workers", help=f"worker processes (default {defaults.workers})")
    serve_parser.add_argument(
        "--log-level", help=f"debug, info, warning, error or critical (default {defaults.log_level})"
    )
    serve_parser.add_argument(
        "--seed", metavar="FILE", help="JSON-array or NDJSON file of connectors to create at start-up where absent"
    )
    serve_parser.add_argument(
        "--test-mode",
        action="store_const",
        const="true",
        help="add POST /_connector_api/_reset, which deletes all data (for test suites only)",
    )
    _add_config_option(serve_parser)
    serve_parser.set_defaults(
        run=serve,
        options=("host", "port", "storage", "workers", "log_level", "seed", "test_mode",
                 *cli_security.add_serve_options(serve_parser)),
    )

    migrate_parser = commands.add_parser("migrate", help="bring the storage's schema to the newest revision")
    _add_storage_option(migrate_parser, defaults)
    _add_config_option(migrate_parser)
    migrate_parser.set_defaults(run=migrate, options=("storage",))
    cli_security.add_commands(commands)
    return parser


def serve(args: argparse.Namespace) -> int:
    """Validate, migrate, then run Hypercorn: in this process for one worker, supervised for more."""
    settings = _settings(args)
    check_storage_url(settings.storage)
    if settings.workers > 1 and _is_memory(settings.storage):
        raise UsageError(
            f"memory:// storage cannot be served by {settings.workers} workers: each worker process would keep "
            "its own separate data; use --workers 1, or a sqlite:///, postgresql:// or mysql:// storage URL"
        )
    from config.logging import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    migration = _Migration(settings.storage)
    cli_security.check_exposure(settings, migration.wait)
    config = hypercorn_config(settings)
    from hypercorn.utils import LifespanFailureError

    try:
        if settings.workers == 1:
            return _serve_in_process(settings, config, migration)
        return _serve_supervised(settings, config, migration)
    except OSError as error:
        raise StartupError(f"cannot serve on {base_url(settings)}: {error}") from None
    except LifespanFailureError as error:
        raise StartupError(f"cannot start serving: {_one_line(error)}") from None


def migrate(args: argparse.Namespace) -> int:
    """Apply the migrations the storage lacks and say what was done."""
    settings = _settings(args)
    check_storage_url(settings.storage)
    from migrations import HEAD
    from storage.migrations import current_revision, upgrade_to_head

    url, shown = settings.storage, redact(settings.storage)
    if _is_memory(url):
        print(f"{shown}: in-memory storage has no schema; nothing to migrate")
        return 0
    try:
        before = current_revision(url)
        if before != HEAD:
            upgrade_to_head(url)
    except Exception as error:  # any failure to reach or change the database is reported in one line
        raise StartupError(f"cannot migrate storage {shown}: {_one_line(error)}") from None
    if before == HEAD:
        print(f"{shown}: already at revision {HEAD} (head); nothing to do")
    else:
        print(f"{shown}: migrated from {'an empty database' if before is None else f'revision {before}'} "
              f"to revision {HEAD} (head)")
    return 0


def check_storage_url(url: str) -> None:
    """Raise `UsageError` unless `url` names a storage this server has (nothing is opened)."""
    from storage import open_storage

    try:
        open_storage(url)
    except InvalidStorageURL:
        raise
    except Exception as error:  # URL parsers raise their own types; all mean "invalid"
        raise UsageError(f"invalid storage URL [{redact(url)}]: {_one_line(error)}") from None


def hypercorn_config(settings: Settings) -> Config:
    from hypercorn.config import Config

    config = Config()
    config.bind = [f"{_bracketed(settings.host)}:{settings.port}"]
    config.worker_class = "uvloop" if find_spec("uvloop") else "asyncio"
    config.workers = settings.workers
    config.graceful_timeout = settings.graceful_timeout
    config.loglevel = settings.log_level.upper()
    config.accesslog = None  # the app writes its own, structured access log (`access_log`, app.observability)
    config.errorlog = logging.getLogger("hypercorn.error")  # formatted by config.logging like every record
    config.application_path = ASGI_FACTORY
    return config


def base_url(settings: Settings) -> str:
    return f"http://{_bracketed(settings.host)}:{settings.port}"


def redact(url: str) -> str:
    """`url` with any password replaced, for logs and messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def _serve_in_process(settings: Settings, config: Config, migration: _Migration) -> int:
    # One worker is served by this very process: no supervisor and no resource tracker beside it.
    import asyncio

    from hypercorn.asyncio import serve as hypercorn_serve

    from app import create_app

    application = create_app(settings)
    loop_factory = None
    if config.worker_class == "uvloop":
        import uvloop

        loop_factory = uvloop.new_event_loop
    migration.wait()
    _log_serving(settings)
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        runner.run(hypercorn_serve(application, config))
    return 0


def _serve_supervised(settings: Settings, config: Config, migration: _Migration) -> int:
    # Hypercorn's workers are spawned and import the app factory, which reads the environment.
    from hypercorn.run import run

    from app.observability.metrics import multiprocess_directory

    os.environ.update(to_environ(settings))
    migration.wait()
    _log_serving(settings)
    with multiprocess_directory():  # the workers' Prometheus samples, added up by each scrape
        return _wait_for_workers(run(config), config.graceful_timeout)


def _wait_for_workers(status: int, graceful_timeout: float) -> int:
    """Hypercorn's supervisor returns once one worker has stopped, while others may still be
    finishing their requests (they ignore the SIGTERM it then sends them, see `app.asgi`): wait
    for them, and kill any that outlives the graceful timeout."""
    import multiprocessing
    import time

    deadline = time.monotonic() + graceful_timeout + WORKER_EXIT_MARGIN
    for worker in multiprocessing.active_children():
        worker.join(max(deadline - time.monotonic(), 0))
        if worker.is_alive():
            worker.kill()
            worker.join()
        status = status or (1 if worker.exitcode else 0)
    return status


def _log_serving(settings: Settings) -> None:
    workers = f"{settings.workers} worker{'s' if settings.workers > 1 else ''}"
    logger.info("connector-api %s serving %s on storage %s with %s", _version(), base_url(settings),
                redact(settings.storage), workers)


class _Migration:
    """Pending migrations, applied by a child process while this one prepares to serve.

    The server then never loads Alembic and SQLAlchemy (~30 MB) on the SQLite path, and the
    migration overlaps the rest of the start-up; `wait()` before the storage is opened.
    """

    def __init__(self, url: str) -> None:
        from storage.migrations import is_up_to_date

        self.url = url
        self.child: subprocess.Popen[str] | None = None
        try:
            if is_up_to_date(url):
                return
        except Exception as error:  # any failure to reach the database is reported in one line
            raise StartupError(f"cannot read the schema revision of {redact(url)}: {_one_line(error)}") from None
        logger.info("migrating storage %s to the newest schema", redact(url))
        self.child = subprocess.Popen(
            [sys.executable, "-P", "-c", _MIGRATE_IN_CHILD],
            env={**os.environ, "CONNECTOR_API_STORAGE": url},
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait(self) -> None:
        if self.child is None:
            return
        _, stderr = self.child.communicate()
        if self.child.returncode != 0:
            reason = stderr.strip().splitlines()[-1:] or [f"exit status {self.child.returncode}"]
            raise StartupError(f"cannot migrate storage {redact(self.url)}: {reason[0]}")
        self.child = None


_MIGRATE_IN_CHILD = """
import os, sys
from storage.migrations import upgrade_to_head
try:
    upgrade_to_head(os.environ["CONNECTOR_API_STORAGE"])
except Exception as error:
    sys.exit(" ".join(str(error).split()) or type(error).__name__)
"""


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings({name: getattr(args, name) for name in args.options}, config_path=args.config)


def _add_storage_option(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    parser.add_argument("--storage", metavar="URL", help=f"storage URL (default {defaults.storage})")


def _add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="TOML settings file (default $CONNECTOR_API_CONFIG, else config/connector-api.toml if present)",
    )


def _is_memory(url: str) -> bool:
    return storage_scheme(url) == "memory"


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _version() -> str:
    try:
        return metadata.version("connector-api")
    except metadata.PackageNotFoundError:
        return "unknown"


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


def _fail(error: BaseException, status: int) -> int:
    print(f"connector-api: error: {_one_line(error)}", file=sys.stderr)
    return status
