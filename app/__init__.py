"""The Quart application: `create_app(settings, storage=None)`.

Routes validate the request and call a service; services apply the rules and call storage.
When `storage` is given the caller owns its lifecycle; otherwise the app opens the storage its
settings name when serving starts and closes it when serving stops.
"""

from __future__ import annotations

import logging

from quart import Quart, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from app import errors, observability
from app.compat import PRODUCT_HEADER, check_accept, error_response
from app.paths import IdConverter, keep_encoded_slashes
from app.routes import configuration, connector_updates, connectors, docs, filtering, health, meta, secrets, sync_jobs
from app.routes import security as security_routes
from app.routes.testing import install_test_support
from app.security import install_security
from app.state import SETTINGS_KEY, STORAGE_KEY
from config.settings import Settings
from storage import Storage, open_storage
from storage.errors import StorageError

logger = logging.getLogger("connector_api")

BLUEPRINTS = (
    meta.blueprint,
    connectors.blueprint,
    connector_updates.blueprint,
    sync_jobs.blueprint,
    filtering.blueprint,
    configuration.blueprint,
    secrets.blueprint,
    health.blueprint,
    security_routes.blueprint,
    docs.blueprint,
)


def create_app(settings: Settings | None = None, storage: Storage | None = None) -> Quart:
    settings = settings or Settings()
    app = Quart("connector_api", static_folder=None)  # no static files: `/static/...` is a 404 like any unknown path
    app.url_map.converters["eid"] = IdConverter
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    app.extensions[SETTINGS_KEY] = settings
    owns_storage = storage is None
    app.extensions[STORAGE_KEY] = storage if storage is not None else open_storage(settings.storage)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.asgi_app = keep_encoded_slashes(app.asgi_app)  # type: ignore[method-assign,assignment]
    _register_lifecycle(app, owns_storage)
    install_test_support(app, settings)
    install_security(app, settings)
    _register_error_handlers(app)
    observability.install(app, settings)
    return app


def _register_lifecycle(app: Quart, owns_storage: bool) -> None:
    @app.before_serving
    async def open_storage_on_start() -> None:
        if owns_storage:
            await app.extensions[STORAGE_KEY].open()

    @app.after_serving
    async def close_storage_on_stop() -> None:
        if owns_storage:
            await app.extensions[STORAGE_KEY].close()

    @app.before_request
    async def check_accept_before_dispatch() -> None:
        check_accept()

    @app.after_request
    async def add_product_header(response: Response) -> Response:
        if response.status_code not in (401, 403):
            response.headers[PRODUCT_HEADER[0]] = PRODUCT_HEADER[1]
        if request.method == "HEAD":
            response.set_data(b"")
        return response


def _request_uri() -> str:
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")


def _from_http_exception(error: HTTPException) -> errors.ElasticsearchError:
    uri, method = _request_uri(), request.method
    if isinstance(error, NotFound):
        return errors.NoHandlerFound(f"no handler found for uri [{uri}] and method [{method}]")
    if isinstance(error, MethodNotAllowed):
        allowed = sorted(set(error.valid_methods or ()) - {"HEAD", "OPTIONS"})
        return errors.MethodNotAllowed(
            f"Incorrect HTTP method for uri [{uri}] and method [{method}], allowed: [{', '.join(allowed)}]",
            headers={"Allow": ",".join(allowed)},
        )
    if isinstance(error, RequestEntityTooLarge):
        limit = request.max_content_length
        return errors.ContentTooLong(f"request body is too large, maximum is [{limit}] bytes")
    converted = errors.BadRequest(error.description or "bad request")
    return converted


def _register_error_handlers(app: Quart) -> None:
    @app.errorhandler(errors.ElasticsearchError)
    async def render_elasticsearch_error(error: errors.ElasticsearchError) -> Response:
        return error_response(error)

    @app.errorhandler(StorageError)
    async def render_storage_error(error: StorageError) -> Response:
        converted = errors.from_storage_error(error)
        if converted.status >= 500:
            observability.count_storage_error(error)
            logger.error("storage error on %s %s: %s", request.method, request.path, error)
        return error_response(converted)

    @app.errorhandler(HTTPException)
    async def render_http_error(error: HTTPException) -> Response:
        return error_response(_from_http_exception(error))

    @app.errorhandler(Exception)
    async def render_unexpected_error(error: Exception) -> Response:
        logger.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(errors.InternalError("internal server error; the server log has the details"))
