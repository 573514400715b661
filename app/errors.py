"""Elasticsearch's error types, and the one renderer of its error envelope.

    ElasticsearchError                      base: `type`, HTTP `status`, `reason`, optional `caused_by`
    ├── BadRequest (400)
    │   ├── ActionRequestValidation         action_request_validation_exception: "Validation Failed: 1: ...;"
    │   ├── XContentParseError              x_content_parse_exception: "[line:col] [parser] ..."
    │   ├── IllegalArgument                 illegal_argument_exception (a plain Java exception)
    │   ├── StatusError                     status_exception: business rules and transitions
    │   └── ParseError                      parse_exception: "request body is required"
    ├── ResourceNotFound (404)              resource_not_found_exception
    ├── IllegalState (500)                  illegal_state_exception: "Can't get text on a VALUE_NULL at 1:9"
    ├── VersionConflictEngine (409)         version_conflict_engine_exception
    ├── ContentTooLong (413)
    └── ServiceUnavailable (503)            the storage does not answer

Services raise these; storage raises its own HTTP-free errors (`storage.errors`), which
`from_storage_error` maps. `render` builds `{"error": {...}, "status": N}`.

`root_cause` follows `ElasticsearchException.guessRootCauses`: an Elasticsearch exception whose
cause is also one reports the innermost; a plain Java cause (`illegal_argument_exception`, ...)
stops the descent, so the exception holding it is the root cause.
"""

from __future__ import annotations

from typing import Any, ClassVar

from storage.errors import (
    DocumentExists,
    DocumentNotFound,
    InvalidValue,
    StorageError,
    StorageUnavailable,
    VersionConflict,
)


class ElasticsearchError(Exception):
    type: ClassVar[str] = "exception"
    status: ClassVar[int] = 500
    is_elasticsearch_exception: ClassVar[bool] = True
    """False for plain Java exceptions, which end the root-cause descent."""

    def __init__(
        self,
        reason: str,
        *,
        caused_by: ElasticsearchError | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.caused_by = caused_by
        self.location: tuple[int, int] | None = None
        """Where in the request body it happened, for parse errors (see `app.parsing.parse_error`)."""
        self.extra = extra or {}
        self.headers = headers or {}

    def root_cause(self) -> ElasticsearchError:
        cause = self.caused_by
        if cause is not None and cause.is_elasticsearch_exception:
            return cause.root_cause()
        return self

    def to_xcontent(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "reason": self.reason, **self.extra}
        if self.caused_by is not None:
            body["caused_by"] = self.caused_by.to_xcontent()
        return body

    def render(self) -> dict[str, Any]:
        root = self.root_cause()
        root_body = {"type": root.type, "reason": root.reason, **root.extra}
        return {"error": {"root_cause": [root_body], **self.to_xcontent()}, "status": self.status}


class BadRequest(ElasticsearchError):
    status = 400


class ActionRequestValidation(BadRequest):
    type = "action_request_validation_exception"

    def __init__(self, *messages: str) -> None:
        numbered = "".join(f"{number}: {message};" for number, message in enumerate(messages, start=1))
        super().__init__(f"Validation Failed: {numbered}")
        self.messages = messages


class XContentParseError(BadRequest):
    type = "x_content_parse_exception"


class IllegalArgument(BadRequest):
    type = "illegal_argument_exception"
    is_elasticsearch_exception = False


class StatusError(BadRequest):
    type = "status_exception"


class ParseError(BadRequest):
    type = "parse_exception"


class IllegalState(ElasticsearchError):
    """A plain Java `IllegalStateException`; in these APIs only ever the cause of a parse error."""

    type = "illegal_state_exception"
    is_elasticsearch_exception = False


class ResourceNotFound(ElasticsearchError):
    type = "resource_not_found_exception"
    status = 404


class NoHandlerFound(ElasticsearchError):
    """A path this server has no route for."""

    type = "illegal_argument_exception"
    status = 404


class MethodNotAllowed(ElasticsearchError):
    type = "illegal_argument_exception"
    status = 405


class NotAcceptable(ElasticsearchError):
    type = "media_type_header_exception"
    status = 406


class VersionConflictEngine(ElasticsearchError):
    type = "version_conflict_engine_exception"
    status = 409


class ContentTooLong(ElasticsearchError):
    type = "content_too_long_exception"
    status = 413


class ServiceUnavailable(ElasticsearchError):
    type = "unavailable_shards_exception"
    status = 503


class InternalError(ElasticsearchError):
    """Anything unexpected: rendered without internals (the log has the traceback)."""


def from_storage_error(error: StorageError) -> ElasticsearchError:
    if isinstance(error, StorageUnavailable):
        return ServiceUnavailable(f"storage is unavailable: {error}")
    if isinstance(error, VersionConflict):
        return VersionConflictEngine(str(error), extra={"index": error.index})
    if isinstance(error, DocumentNotFound):
        return ResourceNotFound(f"[{error.doc_id}]: document missing")
    if isinstance(error, InvalidValue):
        return IllegalArgument(str(error))
    if isinstance(error, DocumentExists):
        return VersionConflictEngine(f"[{error.doc_id}]: version conflict, document already exists")
    return InternalError("storage error")
