"""Elasticsearch's security errors: 401 and 403 `security_exception`, worded as it words them.

A 401 carries one `WWW-Authenticate` header per scheme this server accepts, both as HTTP
headers and in the body's `header` object, as Elasticsearch renders them. No error names a
password or an API key secret; user names and API key ids are not secret and appear as in
Elasticsearch.
"""

from __future__ import annotations

from quart import Response

from app.compat import error_response
from app.errors import ElasticsearchError, StatusError
from app.security.actions import Action
from app.security.principals import Principal

WWW_AUTHENTICATE = ('Basic realm="security", charset="UTF-8"', "ApiKey")
"""Elasticsearch also offers `Bearer`; this server has no token service."""

ANONYMOUS_DENIED = (
    "unable to authenticate with provided credentials and anonymous access is not allowed for this request"
)


class SecurityException(ElasticsearchError):
    type = "security_exception"


class AuthenticationFailed(SecurityException):
    status = 401

    def __init__(self, reason: str, *, unsuccessful: str | None = None) -> None:
        extra: dict[str, object] = {}
        if unsuccessful is not None:
            extra["additional_unsuccessful_credentials"] = unsuccessful
        extra["header"] = {"WWW-Authenticate": list(WWW_AUTHENTICATE)}
        super().__init__(reason, extra=extra)


class AccessDenied(SecurityException):
    status = 403


class SecurityNotEnabled(StatusError):
    """A security API called while this server runs without authentication.

    Elasticsearch answers 500 (`exception`, "Security must be explicitly enabled..."); a server
    state the caller can fix is a 400 here, so no client input ever produces a 5xx.
    """

    def __init__(self) -> None:
        super().__init__(
            "Security is not enabled on this server: set users_file (--users-file) or create an API key "
            "(connector-api api-key create), then restart it"
        )


def missing_credentials(uri: str) -> AuthenticationFailed:
    return AuthenticationFailed(f"missing authentication credentials for REST request [{uri}]")


def wrong_user_credentials(username: str, uri: str) -> AuthenticationFailed:
    return AuthenticationFailed(f"unable to authenticate user [{username}] for REST request [{uri}]")


def rejected_api_key(why: str) -> AuthenticationFailed:
    """A presented API key that does not authenticate; `why` as Elasticsearch's ApiKeyService says it."""
    return AuthenticationFailed(ANONYMOUS_DENIED, unsuccessful=f"API key: {why}")


def access_denied(principal: Principal, action: Action) -> AccessDenied:
    reason = f"action [{action.name}] is unauthorized for {principal.description()}"
    if action.granted_by:
        reason += f", this action is granted by the cluster privileges [{','.join(action.granted_by)}]"
    return AccessDenied(reason)


def unauthenticated_response(error: AuthenticationFailed) -> Response:
    response = error_response(error)
    for challenge in WWW_AUTHENTICATE:
        response.headers.add("WWW-Authenticate", challenge)
    return response
