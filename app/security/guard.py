"""The request hook: authenticate every request, then authorise it by the route it reaches.

`install_security(app, settings)` loads the users file when the app is created (a bad file
stops the start) and decides, once the storage is open, whether authentication is on
(`app.security.exposure`). While it is off the hook costs one boolean test per request.
While it is on, a request without valid credentials gets Elasticsearch's 401, even for a
path that has no route (as Elasticsearch authenticates before routing); a request whose
principal lacks every privilege that grants the route's action (`app.security.actions`)
gets its 403. Neither failure is logged above debug, and no log line holds a credential.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

from quart import Quart, Request, Response, current_app, g, request

from app.security.actions import action_for
from app.security.api_keys import any_active_key
from app.security.authentication import Authenticator
from app.security.errors import AuthenticationFailed, SecurityNotEnabled, access_denied, unauthenticated_response
from app.security.exposure import decide
from app.security.principals import Principal
from app.security.users import EMPTY, UserDirectory, load_users
from app.state import app_storage
from config.settings import Settings
from storage import Storage

logger = logging.getLogger("connector_api.security")

SECURITY_KEY = "connector_api.security"


@dataclass(slots=True)
class Security:
    users: UserDirectory
    storage: Storage
    enabled: bool = False
    authenticator: Authenticator = field(init=False)

    def __post_init__(self) -> None:
        self.authenticator = Authenticator(self.users)

    async def check(self) -> Response | None:
        """None to let the request through; a 401 response; or raise the 403."""
        current: Request = cast(Any, request)._get_current_object()  # one context lookup, not one per attribute
        try:
            principal = await self.authenticator.authenticate(
                current.headers.get("Authorization"), _request_uri, self.storage
            )
        except AuthenticationFailed as failure:
            logger.debug("authentication failed on %s %s: %s", current.method, current.path, failure.reason)
            return unauthenticated_response(failure)
        g.principal = principal
        if current.endpoint is None:
            return None
        action = action_for(current.endpoint, current.method)
        if not principal.holds(action.granted_by):
            denial = access_denied(principal, action)
            logger.debug("access denied on %s %s: %s", current.method, current.path, denial.reason)
            raise denial
        return None


def install_security(app: Quart, settings: Settings) -> None:
    """Attach authentication to `app`; call it after the storage-opening `before_serving` hook."""
    users = load_users(settings.users_file) if settings.users_file else EMPTY
    security = Security(users, app_storage(app), enabled=bool(users))
    app.extensions[SECURITY_KEY] = security

    @app.before_serving
    async def decide_authentication() -> None:
        has_users = bool(security.users)
        has_keys = not has_users and await any_active_key(security.storage)
        decision = decide(
            settings.host, settings.port, has_users=has_users, has_keys=has_keys, insecure=settings.insecure
        )
        if decision.refusal is not None:
            raise RuntimeError(decision.refusal)
        if decision.warning is not None:
            logger.warning(decision.warning)
        security.enabled = decision.enabled

    @app.before_request
    async def authenticate_and_authorise() -> Response | None:
        if not security.enabled:
            return None
        return await security.check()


def current_security() -> Security:
    return cast(Security, current_app.extensions[SECURITY_KEY])


def current_principal() -> Principal:
    """The authenticated caller; `SecurityNotEnabled` while this server runs without authentication."""
    if not current_security().enabled:
        raise SecurityNotEnabled()
    return cast(Principal, g.principal)


def _request_uri() -> str:
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")
