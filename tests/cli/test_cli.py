"""`connector-api serve|migrate`: argument parsing, one-line errors with exit status 2, `migrate`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import migrations
from app.cli import base_url, build_parser, hypercorn_config, main, redact
from config.settings import Settings


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No config file in the working directory and no CONNECTOR_API_* settings from the outside."""
    monkeypatch.chdir(tmp_path)
    for name in ("CONFIG", "STORAGE", "PORT", "HOST", "WORKERS", "LOG_LEVEL"):
        monkeypatch.delenv(f"CONNECTOR_API_{name}", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_serve_options_are_parsed_as_given() -> None:
    argv = "serve --host 0.0.0.0 --port 9300 --storage memory:// --workers 1 --config x.toml".split()

    args = build_parser().parse_args(argv)

    assert (args.host, args.port, args.storage, args.workers) == ("0.0.0.0", "9300", "memory://", "1")
    assert args.config == "x.toml"


def test_options_left_out_are_none_so_lower_sources_apply() -> None:
    args = build_parser().parse_args(["serve"])

    assert (args.host, args.port, args.storage, args.workers, args.config, args.log_level) == (None,) * 6


def test_migrate_takes_storage_and_config() -> None:
    args = build_parser().parse_args(["migrate", "--storage", "sqlite:///x.db"])

    assert (args.storage, args.config) == ("sqlite:///x.db", None)


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])

    assert exited.value.code == 2
    assert "the following arguments are required" in capsys.readouterr().err


def test_unknown_option_exits_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--prot", "1"])

    assert exited.value.code == 2
    assert "unrecognized arguments: --prot 1" in capsys.readouterr().err


def test_invalid_port_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "serve", "--port", "abc") == (
        2, "", "connector-api: error: invalid value for --port: 'abc' is not an integer\n"
    )


def test_invalid_environment_value_exits_2(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_API_PORT", "abc")

    assert run(capsys, "serve") == (
        2, "", "connector-api: error: invalid value for CONNECTOR_API_PORT: 'abc' is not an integer\n"
    )


def test_storage_url_without_scheme_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "serve", "--storage", "data.db") == (
        2, "", "connector-api: error: storage URL [data.db] has no scheme; expected e.g. sqlite:///data/connector-api.db\n"
    )


def test_unsupported_storage_scheme_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "migrate", "--storage", "redis://localhost")

    assert (status, out) == (2, "")
    assert err.startswith("connector-api: error: storage URL scheme [redis] is not supported; use memory://, ")
    assert err.count("\n") == 1


def test_sqlite_url_without_a_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "serve", "--storage", "sqlite://") == (
        2,
        "",
        "connector-api: error: storage URL [sqlite://] names no file; an in-memory database would not be shared\n",
    )


def test_memory_storage_with_several_workers_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "serve", "--storage", "memory://", "--workers", "2") == (
        2,
        "",
        "connector-api: error: memory:// storage cannot be served by 2 workers: each worker process would keep its "
        "own separate data; use --workers 1, or a sqlite:///, postgresql:// or mysql:// storage URL\n",
    )


def test_missing_config_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "serve", "--config", "missing.toml") == (
        2, "", "connector-api: error: config file missing.toml does not exist\n"
    )


def test_migrate_creates_the_schema_in_a_new_sqlite_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/new/connector-api.db"

    status, out, err = run(capsys, "migrate", "--storage", url)

    assert (status, err) == (0, "")
    assert out == f"{url}: migrated from an empty database to revision {migrations.HEAD} (head)\n"
    with sqlite3.connect(tmp_path / "new" / "connector-api.db") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrations.HEAD,)]


def test_migrate_twice_does_nothing_the_second_time(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/connector-api.db"
    run(capsys, "migrate", "--storage", url)

    assert run(capsys, "migrate", "--storage", url) == (
        0, f"{url}: already at revision {migrations.HEAD} (head); nothing to do\n", ""
    )


def test_migrate_reads_the_storage_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/from-env.db"
    monkeypatch.setenv("CONNECTOR_API_STORAGE", url)

    status, out, _ = run(capsys, "migrate")

    assert status == 0
    assert out.startswith(f"{url}: migrated from an empty database")


def test_migrate_memory_has_nothing_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "migrate", "--storage", "memory://") == (
        0, "memory://: in-memory storage has no schema; nothing to migrate\n", ""
    )


def test_migrate_on_an_unreachable_server_exits_1_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "migrate", "--storage", "postgresql://user:secret@127.0.0.1:1/db")

    assert (status, out) == (1, "")
    assert err.startswith("connector-api: error: cannot migrate storage postgresql://user:***@127.0.0.1:1/db: ")
    assert err.count("\n") == 1
    assert "secret" not in err


def test_hypercorn_runs_the_uvloop_worker_with_the_settings() -> None:
    config = hypercorn_config(Settings(host="0.0.0.0", port=9300, workers=2, graceful_timeout=7, access_log=True))

    assert config.bind == ["0.0.0.0:9300"]
    assert (config.worker_class, config.workers, config.graceful_timeout) == ("uvloop", 2, 7)
    assert config.accesslog is None  # the app writes the access log itself (app.observability)
    assert config.application_path == "app.asgi:create_asgi_app()"


def test_ipv6_hosts_are_bracketed() -> None:
    settings = Settings(host="::1", port=9300)

    assert (hypercorn_config(settings).bind, base_url(settings)) == (["[::1]:9300"], "http://[::1]:9300")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://user:secret@db:5432/x", "postgresql://user:***@db:5432/x"),
        ("mysql://root@127.0.0.1/x", "mysql://root@127.0.0.1/x"),
        ("sqlite:///data/connector-api.db", "sqlite:///data/connector-api.db"),
    ],
)
def test_passwords_are_hidden_in_messages(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_storage_that_fails_to_open_exits_1_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.memory import MemoryStorage

    async def refuse(self: MemoryStorage) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(MemoryStorage, "open", refuse)

    status, out, err = run(capsys, "serve", "--storage", "memory://", "--port", "1", "--log-level", "critical")

    assert (status, out) == (1, "")
    assert err == "connector-api: error: cannot start serving: Lifespan failure in startup. 'disk on fire'\n"
