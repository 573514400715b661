"""Where the running app keeps what its handlers share: the storage and the settings."""

from __future__ import annotations

from typing import cast

from quart import Quart, current_app

from config.settings import Settings
from storage import Storage

STORAGE_KEY = "connector_api.storage"
SETTINGS_KEY = "connector_api.settings"


def current_storage() -> Storage:
    return cast(Storage, current_app.extensions[STORAGE_KEY])


def current_settings() -> Settings:
    return cast(Settings, current_app.extensions[SETTINGS_KEY])


def app_storage(app: Quart) -> Storage:
    return cast(Storage, app.extensions[STORAGE_KEY])
