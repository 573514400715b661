"""The bodies of `POST /_security/api_key` and `DELETE /_security/api_key`, as Elasticsearch reads them.

Create (`api_key_request`): `name` (required), `expiration` (a time value such as `1d`, `30m`),
`role_descriptors` (role name → descriptor whose `cluster` privileges count here; `indices` and
the other sections of Elasticsearch's roles are accepted and grant nothing on this server),
`metadata`. Invalidate (`invalidate_api_key`): `ids`, `name`, `owner`, `username`,
`realm_name`, with Elasticsearch's validation rules and messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.errors import ActionRequestValidation, ParseError
from app.parsing import ARRAY, BOOLEAN, OBJECT, STRING, Body, Field, ObjectParser, to_boolean, token_of
from app.security.privileges import normalised, unknown_privilege_message, unknown_privileges

CREATE = ObjectParser(
    "api_key_request",
    [
        Field("name", STRING, required=True),
        Field("role_descriptors", OBJECT),
        Field("expiration", STRING),
        Field("metadata", OBJECT),
    ],
)
INVALIDATE = ObjectParser(
    "invalidate_api_key",
    [
        Field("realm_name", STRING),
        Field("username", STRING),
        Field("name", STRING),
        Field("owner", BOOLEAN, to_boolean),
        Field(
            "ids",
            ARRAY,
            lambda value, _body, _path: _string_list(value),
            schema={"items": {"type": ["string", "number"]}},
        ),
    ],
)

DESCRIPTOR_SECTIONS = frozenset(
    {
        "cluster", "indices", "applications", "run_as", "metadata", "transient_metadata", "global",
        "remote_indices", "remote_cluster", "restriction", "description",
    }
)
TIME_UNITS_MS = {"nanos": 1e-6, "micros": 1e-3, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
MAX_NAME_LENGTH = 256


@dataclass(frozen=True, slots=True)
class NewApiKey:
    name: str
    role_descriptors: dict[str, dict[str, Any]] | None = None
    """None when the request gave none: the key then inherits its owner's privileges."""
    expiration_ms: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def privileges(self) -> frozenset[str] | None:
        if not self.role_descriptors:
            return None
        return frozenset().union(*(normalised(role.get("cluster", [])) for role in self.role_descriptors.values()))


@dataclass(frozen=True, slots=True)
class KeySelection:
    ids: tuple[str, ...] | None = None
    name: str | None = None
    owner: bool = False
    username: str | None = None
    realm_name: str | None = None


def parse_create(body: Body) -> NewApiKey:
    fields = CREATE.parse(body)
    descriptors = _descriptors(fields.get("role_descriptors"))
    expiration = fields.get("expiration")
    request = NewApiKey(
        name=fields.get("name") or "",
        role_descriptors=descriptors,
        expiration_ms=None if expiration is None else parse_time_value(expiration, "expiration"),
        metadata=fields.get("metadata") or {},
    )
    validate_new_key(request)
    return request


def parse_invalidate(body: Body) -> KeySelection:
    fields = INVALIDATE.parse(body)
    ids = fields.get("ids")
    selection = KeySelection(
        ids=None if ids is None else tuple(ids),
        name=fields.get("name") or None,
        owner=bool(fields.get("owner")),
        username=fields.get("username") or None,
        realm_name=fields.get("realm_name") or None,
    )
    validate_selection(selection)
    return selection


def _string_list(values: list[Any]) -> list[str]:
    if not all(isinstance(item, str | int | float) and not isinstance(item, bool) for item in values):
        raise ValueError("[ids] must be an array of strings")
    return [str(item) for item in values]


def parse_time_value(text: str, setting: str) -> int | None:
    """Milliseconds of an Elasticsearch time value (`TimeValue.parseTimeValue`); None for `-1`."""
    normalized = text.lower().strip()
    if normalized == "-1":
        return None
    if normalized == "0":
        return 0
    for unit in sorted(TIME_UNITS_MS, key=len, reverse=True):
        if normalized.endswith(unit):
            return int(_time_amount(text, normalized[: -len(unit)].strip(), setting) * TIME_UNITS_MS[unit])
    raise ParseError(f"{_time_value(setting, text)}: unit is missing or unrecognized")


def _time_amount(text: str, number: str, setting: str) -> int:
    try:
        amount = int(number)
    except ValueError:
        try:
            float(number)
        except ValueError:
            raise ParseError(f"failed to parse [{text}]") from None
        raise ParseError(f"failed to parse [{text}], fractional time values are not supported") from None
    if amount < 0:
        raise ParseError(f"{_time_value(setting, text)}: negative durations are not supported")
    return amount


def _time_value(setting: str, text: str) -> str:
    return f"failed to parse setting [{setting}] with value [{text}] as a time value"


def _descriptors(value: dict[str, Any] | None) -> dict[str, dict[str, Any]] | None:
    if value is None:
        return None
    descriptors: dict[str, dict[str, Any]] = {}
    for role, descriptor in value.items():
        if not isinstance(descriptor, dict):
            found = token_of(descriptor)
            raise ParseError(f"failed to parse role [{role}]. expected an object but found [{found}] instead")
        unexpected = [key for key in descriptor if key not in DESCRIPTOR_SECTIONS]
        if unexpected:
            raise ParseError(f"failed to parse role [{role}]. unexpected field [{unexpected[0]}]")
        cluster = descriptor.get("cluster", [])
        if not isinstance(cluster, list) or not all(isinstance(item, str) for item in cluster):
            raise ParseError(f"failed to parse role [{role}]. [cluster] must be an array of strings")
        descriptors[role] = descriptor
    return descriptors


def validate_new_key(request: NewApiKey) -> None:
    """Elasticsearch's `CreateApiKeyRequest.validate`, and the role descriptors' privilege names."""
    problems: list[str] = []
    name = request.name
    if not name:
        problems.append("api key name is required")
    else:
        if len(name) > MAX_NAME_LENGTH:
            problems.append(f"api key name may not be more than {MAX_NAME_LENGTH} characters long")
        if name != name.strip():
            problems.append("api key name may not begin or end with whitespace")
        if name.startswith("_"):
            problems.append("api key name may not begin with an underscore")
    if any(key.startswith("_") for key in request.metadata):
        problems.append("API key metadata keys may not start with [_]")
    for descriptor in (request.role_descriptors or {}).values():
        problems.extend(unknown_privilege_message(name) for name in unknown_privileges(descriptor.get("cluster", [])))
    if problems:
        raise ActionRequestValidation(*problems)


def validate_selection(selection: KeySelection) -> None:
    """Elasticsearch's `InvalidateApiKeyRequest` validation."""
    ids, by_user = selection.ids, selection.username or selection.realm_name
    if ids is not None:
        _validate_ids(ids)
    problems: list[str] = []
    if not (by_user or ids is not None or selection.name or selection.owner):
        problems.append(
            "One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false"
        )
    if (ids is not None or selection.name) and by_user:
        problems.append(
            "username or realm name must not be specified when the api key id(s) or api key name are specified"
        )
    if selection.owner and by_user:
        problems.append("neither username nor realm-name may be specified when invalidating owned API keys")
    if ids is not None and selection.name:
        problems.append("only one of [api key id(s), api key name] can be specified")
    if problems:
        raise ActionRequestValidation(*problems)


def _validate_ids(ids: tuple[str, ...]) -> None:
    if not ids:
        raise ActionRequestValidation("Field [ids] cannot be an empty array")
    blank = [position for position, item in enumerate(ids) if not item.strip()]
    if blank:
        noun, where = ("id", "position") if len(blank) == 1 else ("ids", "positions")
        listed = ", ".join(str(position) for position in blank)
        raise ActionRequestValidation(
            f"Field [ids] must not contain blank id, but got blank {noun} at index {where}: [{listed}]"
        )
