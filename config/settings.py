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
    """One structured line per request (see `config.logging`); off by default because it costs throughput."""
    log_format: str = "auto"
    """`json` (ECS JSON lines), `console` (human-readable), or `auto`: console when stderr is a terminal."""
    proxy_trusted_hops: int = 0
    """Reverse proxies in front of the server whose `X-Forwarded-For`/`-Proto`/`-Host` are trusted (0: none)."""
    root_path: str = ""
    """A path prefix the proxy keeps (`/es`): requests under it are routed on the rest of the path."""
    graceful_timeout: float = 5.0
    """Seconds that in-flight requests get to finish after SIGTERM/SIGINT before the server stops."""
    secrets_key: str = ""
    """Key that encrypts connector secrets at rest: 32 bytes in URL-safe base64, the same on every
    server sharing the storage. Empty: a key generated on first use, kept in a file beside the
    SQLite database, or `data/connector-api.secrets-key` (see `app.services.secret_keys`)."""
    seed: str = ""
    """A JSON-array or NDJSON file of connectors (`{"id": ..., <PUT _connector body>}`) created at
    start-up where their id is absent (see `app.testing.seed`). Empty: none."""
    users_file: str = ""
    """The users file (TOML: users, Argon2id password hashes, roles; see `app.security.users`).
    Set, authentication is on everywhere. Empty: no users (API keys in the storage may still be)."""
    insecure: bool = False
    """Serve without authentication on a non-loopback address when no users or API keys exist,
    instead of refusing to start (see `app.security.exposure`)."""
