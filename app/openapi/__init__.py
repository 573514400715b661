"""The OpenAPI 3.1 description of this server, generated from its routes and request parsers."""

from __future__ import annotations

from app.openapi.document import build_document, docs_page, openapi_document

__all__ = ["build_document", "docs_page", "openapi_document"]
