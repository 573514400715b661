"""Blueprint: the test-mode reset, and the seed file loaded at start-up.

`POST /_connector_api/_reset` deletes every document of every index, then loads the seed file
again: a server that lives through a whole test session gives each test the state the
first one started from. It exists only on a server started in test mode (`Settings.test_mode`,
off by default); elsewhere the path is unknown like any other (404). No Elasticsearch API
lives under `/_connector_api`, and index names cannot start with `_`, so it shadows nothing.
"""

from __future__ import annotations

from typing import cast

from quart import Blueprint, Quart, Response, current_app

from app.compat import json_response, no_body, query_parameters
from app.state import app_storage, current_storage
from app.testing.seed import SeedConnector, load_seed, reset_data, seed_connectors
from config.settings import Settings

RESET_PATH = "/_connector_api/_reset"
SEED_KEY = "connector_api.seed"

blueprint = Blueprint("testing", __name__)


@blueprint.route(RESET_PATH, methods=["POST"])
@query_parameters()
async def reset() -> Response:
    """Delete all data, then load the seed file again."""
    await no_body()
    seed = cast(tuple[SeedConnector, ...], current_app.extensions[SEED_KEY])
    await reset_data(current_storage(), seed)
    return json_response({"acknowledged": True})


def install_test_support(app: Quart, settings: Settings) -> None:
    """Seed `app`'s storage at start-up when a seed file is set; add the reset in test mode.

    Call it after the storage-opening `before_serving` hook is registered: hooks run in order.
    """
    seed = load_seed(settings.seed) if settings.seed else ()
    app.extensions[SEED_KEY] = seed
    if seed:

        @app.before_serving
        async def seed_storage() -> None:
            await seed_connectors(app_storage(app), seed)

    if settings.test_mode:
        app.register_blueprint(blueprint)
