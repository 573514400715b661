"""Build the one `Settings` from its sources, each overriding the one before:

1. the defaults declared on `config.settings.Settings`;
2. a TOML file: `--config PATH`, else `$CONNECTOR_API_CONFIG`, else `config/connector-api.toml`
   in the working directory when it exists; its keys are the field names, unknown keys are errors;
3. environment variables `CONNECTOR_API_<FIELD>` (e.g. `CONNECTOR_API_PORT=9201`);
4. command-line options (`--port 9201`).

Every value is converted to the field's type and checked; a bad one raises `SettingsError` with
a one-line message naming where it came from (`invalid value for CONNECTOR_API_PORT: 'abc' is
not an integer`). Stdlib only (`tomllib`), so loading costs nothing at start-up.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from config.settings import Settings

ENV_PREFIX = "CONNECTOR_API_"
CONFIG_ENV = f"{ENV_PREFIX}CONFIG"
DEFAULT_CONFIG_PATH = Path("config/connector-api.toml")
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
LOG_FORMATS = ("auto", "json", "console")

FIELD_TYPES: dict[str, type] = {
    field.name: typing.get_type_hints(Settings)[field.name] for field in dataclasses.fields(Settings)
}


class SettingsError(ValueError):
    """An invalid setting; the message is one line, fit to show a user as it is."""


def load_settings(
    cli: Mapping[str, str | None] | None = None,
    *,
    config_path: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from defaults, then the TOML file, then `environ`, then `cli` (None values: not given)."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = _config_file(config_path, environ)
    if path is not None:
        values.update(read_config_file(path))
    values.update(_from_environ(environ))
    for name, raw in (cli or {}).items():
        if raw is not None:
            values[name] = convert(name, raw, f"--{name.replace('_', '-')}")
    return Settings(**values)


def read_config_file(path: Path) -> dict[str, Any]:
    """The checked, converted settings a TOML file sets."""
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except FileNotFoundError:
        raise SettingsError(f"config file {path} does not exist") from None
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"cannot read config file {path}: {error}") from None
    unknown = sorted(set(document) - set(FIELD_TYPES))
    if unknown:
        raise SettingsError(
            f"unknown setting{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} in config file {path}; "
            f"known settings: {', '.join(FIELD_TYPES)}"
        )
    return {name: convert(name, value, f"{name} in config file {path}", text=False) for name, value in document.items()}


def to_environ(settings: Settings) -> dict[str, str]:
    """`settings` as `CONNECTOR_API_*` variables, so that a worker process can rebuild them exactly."""
    return {_env_name(name): _render(getattr(settings, name)) for name in FIELD_TYPES}


def convert(name: str, value: object, source: str, *, text: bool = True) -> Any:
    """`value` as the type of field `name`, checked; `source` names it in errors.

    `text`: the value is text to parse (environment, command line); otherwise it is a TOML
    value, which must already have the field's type (`port = "9200"` is an error).
    """
    kind = FIELD_TYPES[name]
    parse = _PARSERS[kind]
    try:
        if not text and isinstance(value, str) and kind is not str:
            raise TypeError(value)
        converted = parse(value)
    except (TypeError, ValueError):
        raise SettingsError(f"invalid value for {source}: {value!r} is not {_DESCRIPTIONS[kind]}") from None
    problem = _CHECKS.get(name, _no_check)(converted)
    if problem:
        raise SettingsError(f"invalid value for {source}: {value!r} {problem}")
    return converted


def _config_file(explicit: str | Path | None, environ: Mapping[str, str]) -> Path | None:
    if explicit is not None:
        return Path(explicit)
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    return DEFAULT_CONFIG_PATH if DEFAULT_CONFIG_PATH.is_file() else None


def _from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    return {name: convert(name, environ[key], key) for name in FIELD_TYPES if (key := _env_name(name)) in environ}


def _env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def _render(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _parse_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(value)
    return int(value)


def _parse_float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(value)
    return float(value)


def _parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _BOOLEAN_WORDS:
        return _BOOLEAN_WORDS[value.strip().lower()]
    raise ValueError(value)


def _parse_str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


_BOOLEAN_WORDS = dict.fromkeys(("true", "1", "yes", "on"), True) | dict.fromkeys(("false", "0", "no", "off"), False)
_PARSERS: dict[type, Callable[[object], Any]] = {
    int: _parse_int, float: _parse_float, bool: _parse_bool, str: _parse_str
}
_DESCRIPTIONS = {int: "an integer", float: "a number", bool: "a boolean (true or false)", str: "a string"}


def _no_check(value: Any) -> str | None:
    return None


def _at_least(minimum: float) -> Callable[[Any], str | None]:
    return lambda value: None if value >= minimum else f"is below the minimum of {minimum}"


def _non_empty(value: str) -> str | None:
    return None if value.strip() else "is empty"


_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "storage": _non_empty,
    "host": _non_empty,
    "port": lambda value: None if 1 <= value <= 65535 else "is not a port number (1-65535)",
    "workers": _at_least(1),
    "max_content_length": _at_least(1),
    "graceful_timeout": _at_least(0),
    "log_level": lambda value: None if value.lower() in LOG_LEVELS else f"is not one of {', '.join(LOG_LEVELS)}",
    "log_format": lambda value: None if value in LOG_FORMATS else f"is not one of {', '.join(LOG_FORMATS)}",
    "proxy_trusted_hops": _at_least(0),
    "root_path": lambda value: None if value == "" or value.startswith("/") else "does not start with /",
}
