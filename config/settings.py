"""The one typed settings object. Loading from TOML and `CONNECTOR_API_*` lives in `config.loading`.

A new field is a new setting everywhere (TOML key, `CONNECTOR_API_<NAME>`): document it in
`config/connector-api.toml` (a test checks) and in the README's configuration table.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_STORAGE_URL = "sqlite:///data/connector-api.db"


@dataclass(frozen=True, slots=True)
class Settings:
    storage: str = DEFAULT_STORAGE_URL
    host: str = "127.0.0.1"
    port: int = 9200
    workers: int = 1
    max_content_length: int = 100 * 1024 * 1024
    """Elasticsearch's default `http.max_content_length` (100mb)."""
    node_name: str = "connector-api"
    cluster_name: str = "connector-api"
    test_mode: bool = False
    """Adds `POST /_connector_api/_reset`, which deletes all data (see `app.routes.testing`): tests only."""
    log_level: str = "info"
    """Python logging level of the server and of Hypercorn: debug, info, warning, error or critical."""
    access_log: bool = False
    """One line per request on standard output; off by default because it costs throughput."""
    graceful_timeout: float = 5.0
    """Seconds that in-flight requests get to finish after SIGTERM/SIGINT before the server stops."""
    secrets_key: str = ""
    """Key that encrypts connector secrets at rest: 32 bytes in URL-safe base64, the same on every
    server sharing the storage. Empty: a key generated on first use, kept in a file beside the
    SQLite database, or `data/connector-api.secrets-key` (see `app.services.secret_keys`)."""
    seed: str = ""
    """A JSON-array or NDJSON file of connectors (`{"id": ..., <PUT _connector body>}`) created at
    start-up where their id is absent (see `app.testing.seed`). Empty: none."""
