"""The one typed settings object. Loading from TOML and `CONNECTOR_API_*` lives in `config.loading`."""

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
