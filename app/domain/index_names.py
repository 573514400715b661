"""Elasticsearch's index-name rules (`MetadataCreateIndexService.validateIndexOrAliasName`)."""

from __future__ import annotations

INVALID_FILENAME_CHARS = ("\\", "/", "*", "?", '"', "<", ">", "|", " ", ",")
MAX_INDEX_NAME_BYTES = 255
NATIVE_CONNECTOR_INDEX_PREFIX = "content-"


def index_name_problem(name: str) -> str | None:
    """The reason `name` is not a legal index name, or None if it is."""
    if any(char in name for char in INVALID_FILENAME_CHARS):
        listed = ", ".join(INVALID_FILENAME_CHARS)
        return _invalid(name, f"must not contain the following characters [{listed}]")
    if not name:
        return _invalid(name, "must not be empty")
    if "#" in name:
        return _invalid(name, "must not contain '#'")
    if ":" in name:
        return _invalid(name, "must not contain ':'")
    if name[0] in "_-+":
        return _invalid(name, "must not start with '_', '-', or '+'")
    size = len(name.encode())
    if size > MAX_INDEX_NAME_BYTES:
        return _invalid(name, f"index name is too long, ({size} > {MAX_INDEX_NAME_BYTES})")
    if name in (".", ".."):
        return _invalid(name, "must not be '.' or '..'")
    return None


def _invalid(name: str, description: str) -> str:
    """`InvalidIndexNameException.toString()`, which is what the connector APIs report."""
    return f"[{name}] InvalidIndexNameException[Invalid index name [{name}], {description}]"
