"""Settings come from defaults, then a TOML file, then CONNECTOR_API_* variables, then options."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.loading import SettingsError, load_settings, to_environ
from config.settings import DEFAULT_STORAGE_URL, Settings


@pytest.fixture(autouse=True)
def empty_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test where no config/connector-api.toml is found by default."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_toml(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(**options: object) -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings(**options)  # type: ignore[arg-type]
    return str(caught.value)


def test_defaults_serve_the_embedded_sqlite_file_on_port_9200() -> None:
    settings = load_settings(environ={})

    assert settings == Settings()
    assert (settings.storage, settings.host, settings.port, settings.workers) == (
        DEFAULT_STORAGE_URL, "127.0.0.1", 9200, 1
    )
    assert DEFAULT_STORAGE_URL == "sqlite:///data/connector-api.db"


def test_toml_file_sets_typed_values(tmp_path: Path) -> None:
    path = write_toml(
        tmp_path / "settings.toml",
        'storage = "memory://"\nport = 9300\nworkers = 3\naccess_log = true\ngraceful_timeout = 2\n',
    )

    settings = load_settings(config_path=path, environ={})

    assert (settings.storage, settings.port, settings.workers) == ("memory://", 9300, 3)
    assert settings.access_log is True
    assert settings.graceful_timeout == 2.0


def test_config_file_in_the_working_directory_is_read_by_default(empty_working_directory: Path) -> None:
    write_toml(empty_working_directory / "config" / "connector-api.toml", "port = 9301\n")

    assert load_settings(environ={}).port == 9301


def test_config_file_named_by_environment_replaces_the_default_one(empty_working_directory: Path) -> None:
    write_toml(empty_working_directory / "config" / "connector-api.toml", "port = 9301\n")
    other = write_toml(empty_working_directory / "other.toml", "port = 9302\n")

    assert load_settings(environ={"CONNECTOR_API_CONFIG": str(other)}).port == 9302


def test_config_option_wins_over_the_environment_config_file(tmp_path: Path) -> None:
    from_env = write_toml(tmp_path / "env.toml", "port = 9302\n")
    from_option = write_toml(tmp_path / "option.toml", "port = 9303\n")

    settings = load_settings(config_path=from_option, environ={"CONNECTOR_API_CONFIG": str(from_env)})

    assert settings.port == 9303


def test_environment_overrides_the_toml_file(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "settings.toml", 'port = 9300\nstorage = "memory://"\n')

    settings = load_settings(config_path=path, environ={"CONNECTOR_API_PORT": "9400", "CONNECTOR_API_WORKERS": "2"})

    assert (settings.port, settings.workers, settings.storage) == (9400, 2, "memory://")


def test_command_line_overrides_environment_and_toml(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "settings.toml", "port = 9300\nworkers = 4\n")

    settings = load_settings(
        {"port": "9500", "workers": None, "storage": "sqlite:///x.db"},
        config_path=path,
        environ={"CONNECTOR_API_PORT": "9400", "CONNECTOR_API_STORAGE": "memory://"},
    )

    assert (settings.port, settings.workers, settings.storage) == (9500, 4, "sqlite:///x.db")


def test_process_environment_is_the_default_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTOR_API_STORAGE", "memory://")
    monkeypatch.setenv("CONNECTOR_API_ACCESS_LOG", "yes")

    settings = load_settings()

    assert settings.storage == "memory://"
    assert settings.access_log is True


def test_unrelated_prefixed_variables_are_ignored() -> None:
    settings = load_settings(environ={"CONNECTOR_API_TEST_POSTGRES": "postgresql://x/y"})

    assert settings == Settings()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("FALSE", False), ("1", True), ("0", False), ("on", True), ("no", False)],
)
def test_boolean_variables_accept_the_usual_words(text: str, expected: bool) -> None:
    assert load_settings(environ={"CONNECTOR_API_ACCESS_LOG": text}).access_log is expected


def test_invalid_integer_in_environment_names_the_variable() -> None:
    assert error_of(environ={"CONNECTOR_API_PORT": "abc"}) == (
        "invalid value for CONNECTOR_API_PORT: 'abc' is not an integer"
    )


def test_invalid_integer_option_names_the_option() -> None:
    assert error_of(cli={"workers": "two"}, environ={}) == "invalid value for --workers: 'two' is not an integer"


def test_invalid_boolean_in_environment_is_rejected() -> None:
    assert error_of(environ={"CONNECTOR_API_ACCESS_LOG": "maybe"}) == (
        "invalid value for CONNECTOR_API_ACCESS_LOG: 'maybe' is not a boolean (true or false)"
    )


def test_port_out_of_range_is_rejected() -> None:
    assert error_of(cli={"port": "70000"}, environ={}) == (
        "invalid value for --port: '70000' is not a port number (1-65535)"
    )


def test_zero_workers_is_rejected() -> None:
    assert error_of(environ={"CONNECTOR_API_WORKERS": "0"}) == (
        "invalid value for CONNECTOR_API_WORKERS: '0' is below the minimum of 1"
    )


def test_unknown_log_level_is_rejected() -> None:
    assert error_of(cli={"log_level": "loud"}, environ={}) == (
        "invalid value for --log-level: 'loud' is not one of debug, info, warning, error, critical"
    )


def test_empty_storage_url_is_rejected() -> None:
    assert error_of(environ={"CONNECTOR_API_STORAGE": ""}) == "invalid value for CONNECTOR_API_STORAGE: '' is empty"


def test_wrong_toml_type_names_the_key_and_file(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "settings.toml", 'port = "9200"\n')

    assert error_of(config_path=path, environ={}) == (
        f"invalid value for port in config file {path}: '9200' is not an integer"
    )


def test_toml_boolean_is_not_an_integer(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "settings.toml", "workers = true\n")

    assert error_of(config_path=path, environ={}) == (
        f"invalid value for workers in config file {path}: True is not an integer"
    )


def test_unknown_toml_key_is_rejected_with_the_known_ones(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "settings.toml", "prot = 9200\n")

    message = error_of(config_path=path, environ={})

    assert message.startswith(f"unknown setting prot in config file {path}; known settings: storage, host, port, ")


def test_toml_table_is_an_unknown_key(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "settings.toml", "[server]\nport = 9200\n")

    assert error_of(config_path=path, environ={}).startswith(f"unknown setting server in config file {path};")


def test_missing_explicit_config_file_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"

    assert error_of(config_path=missing, environ={}) == f"config file {missing} does not exist"


def test_malformed_toml_is_reported_with_its_position(tmp_path: Path) -> None:
    path = write_toml(tmp_path / "settings.toml", 'port = "9200\n')

    assert error_of(config_path=path, environ={}).startswith(f"cannot read config file {path}: ")


def test_shipped_example_file_sets_nothing_and_documents_every_setting() -> None:
    example = Path(__file__).resolve().parents[2] / "config" / "connector-api.toml"
    text = example.read_text(encoding="utf-8")

    assert load_settings(config_path=example, environ={}) == Settings()
    for name in to_environ(Settings()):
        key = name.removeprefix("CONNECTOR_API_").lower()
        assert f"\n# {key} = " in text, f"{key} is not documented in {example.name}"


def test_environment_export_rebuilds_the_same_settings() -> None:
    settings = Settings(storage="memory://", port=9333, workers=1, access_log=True, graceful_timeout=1.5)

    assert load_settings(environ=to_environ(settings)) == settings


def test_unknown_log_format_is_rejected() -> None:
    assert error_of(environ={"CONNECTOR_API_LOG_FORMAT": "xml"}) == (
        "invalid value for CONNECTOR_API_LOG_FORMAT: 'xml' is not one of auto, json, console"
    )
