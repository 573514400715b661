"""`PUT _connector/<id>/_last_sync`: spec section 3, case by case."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, error_of

WORKED_EXAMPLE = {
    "last_access_control_sync_error": "Houston, we have a problem!",
    "last_access_control_sync_scheduled_at": "2023-11-09T15:13:08.231Z",
    "last_access_control_sync_status": "pending",
    "last_deleted_document_count": 42,
    "last_incremental_sync_scheduled_at": "2023-11-09T15:13:08.231Z",
    "last_indexed_document_count": 42,
    "last_sync_error": "Houston, we have a problem!",
    "last_sync_scheduled_at": "2024-11-09T15:13:08.231Z",
    "last_sync_status": "completed",
    "last_synced": "2024-11-09T15:13:08.231Z",
}


@pytest.fixture
async def connector(api: Api) -> str:
    body = {"index_name": "search-google-drive", "name": "My Connector", "service_type": "google_drive"}
    assert (await api.put("/_connector/my-connector", body))[0] == 201
    return "my-connector"


async def stored(api: Api, connector_id: str = "my-connector") -> dict[str, Any]:
    status, body = await api.get(f"/_connector/{connector_id}?include_deleted=true")
    assert status == 200
    return dict(body)


async def test_worked_example_round_trips_exactly(api: Api, connector: str) -> None:
    assert await api.put(f"/_connector/{connector}/_last_sync", WORKED_EXAMPLE) == (200, {"result": "updated"})
    document = await stored(api)
    assert {key: document[key] for key in WORKED_EXAMPLE} == WORKED_EXAMPLE
    assert (document["status"], document["name"]) == ("created", "My Connector")


async def test_same_values_again_is_a_noop(api: Api, connector: str) -> None:
    await api.put(f"/_connector/{connector}/_last_sync", WORKED_EXAMPLE)
    assert await api.put(f"/_connector/{connector}/_last_sync", WORKED_EXAMPLE) == (200, {"result": "noop"})


async def test_empty_body_object_is_a_noop(api: Api, connector: str) -> None:
    before = await stored(api)
    assert await api.put(f"/_connector/{connector}/_last_sync", {}) == (200, {"result": "noop"})
    assert await stored(api) == before


async def test_omitted_fields_are_kept_between_partial_updates(api: Api, connector: str) -> None:
    await api.put(f"/_connector/{connector}/_last_sync", {"last_indexed_document_count": 10})
    await api.put(f"/_connector/{connector}/_last_sync", {"last_deleted_document_count": 3})
    document = await stored(api)
    assert (document["last_indexed_document_count"], document["last_deleted_document_count"]) == (10, 3)


async def test_explicit_nulls_leave_fields_unchanged(api: Api, connector: str) -> None:
    await api.put(f"/_connector/{connector}/_last_sync", WORKED_EXAMPLE)
    nulls = {key: None for key in WORKED_EXAMPLE if not key.endswith("_count")} | {"sync_cursor": None}
    assert await api.put(f"/_connector/{connector}/_last_sync", nulls) == (200, {"result": "noop"})
    document = await stored(api)
    assert document["last_sync_error"] == "Houston, we have a problem!"


async def test_fields_never_set_stay_absent(api: Api, connector: str) -> None:
    await api.put(f"/_connector/{connector}/_last_sync", {"last_sync_status": "error"})
    document = await stored(api)
    assert "last_synced" not in document and "sync_cursor" not in document and "last_seen" not in document


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2023-05-25T12:30:00Z", "2023-05-25T12:30:00.000Z"),
        ("2023-05-25T12:30:00+02:00", "2023-05-25T10:30:00.000Z"),
        ("2023-05-25", "2023-05-25T00:00:00.000Z"),
        ("1685017800000", "2023-05-25T12:30:00.000Z"),
        ("2023-12-04T08:45:50.567149Z", "2023-12-04T08:45:50.567149Z"),
    ],
)
async def test_dates_are_parsed_like_elasticsearch_and_stored_in_utc(
    api: Api, connector: str, given: str, expected: str
) -> None:
    await api.put(f"/_connector/{connector}/_last_sync", {"last_synced": given})
    assert (await stored(api))["last_synced"] == expected


async def test_sync_statuses_are_case_insensitive_and_stored_lower_case(api: Api, connector: str) -> None:
    await api.put(f"/_connector/{connector}/_last_sync", {"last_sync_status": "In_Progress"})
    assert (await stored(api))["last_sync_status"] == "in_progress"


async def test_counts_accept_numeric_strings(api: Api, connector: str) -> None:
    await api.put(f"/_connector/{connector}/_last_sync", {"last_indexed_document_count": "42"})
    assert (await stored(api))["last_indexed_document_count"] == 42


async def test_sync_cursor_is_kept_as_an_object_and_merged(api: Api, connector: str) -> None:
    await api.put(f"/_connector/{connector}/_last_sync", {"sync_cursor": {"page": 1, "token": {"a": 1}}})
    await api.put(f"/_connector/{connector}/_last_sync", {"sync_cursor": {"token": {"b": 2}}})
    assert (await stored(api))["sync_cursor"] == {"page": 1, "token": {"a": 1, "b": 2}}


async def test_soft_deleted_connector_is_still_updated(api: Api, connector: str) -> None:
    await api.delete(f"/_connector/{connector}")
    assert await api.put(f"/_connector/{connector}/_last_sync", {"last_sync_error": "late"}) == (
        200,
        {"result": "updated"},
    )
    assert (await stored(api))["last_sync_error"] == "late"


async def test_other_fields_are_never_touched(api: Api, connector: str) -> None:
    before = await stored(api)
    await api.put(f"/_connector/{connector}/_last_sync", WORKED_EXAMPLE)
    after = await stored(api)
    assert {key: value for key, value in after.items() if key not in WORKED_EXAMPLE} == before


PARSER = "connector_update_last_sync_stats_request"


@pytest.mark.parametrize(
    ("raw", "expected_type", "expected_reason"),
    [
        (b"[]", "x_content_parse_exception", f"[1:1] [{PARSER}] Expected START_OBJECT but was: START_ARRAY"),
        (b'{"bogus": 1}', "x_content_parse_exception", f"[1:2] [{PARSER}] unknown field [bogus]"),
        (
            b'{"last_seen": "2024-01-01T00:00:00Z"}',
            "x_content_parse_exception",
            f"[1:2] [{PARSER}] unknown field [last_seen]",
        ),
        (
            b'{"last_synced": 3}',
            "x_content_parse_exception",
            f"[1:17] [{PARSER}] last_synced doesn't support values of type: VALUE_NUMBER",
        ),
        (
            b'{"last_deleted_document_count": null}',
            "x_content_parse_exception",
            f"[1:33] [{PARSER}] last_deleted_document_count doesn't support values of type: VALUE_NULL",
        ),
        (
            b'{"sync_cursor": [1]}',
            "x_content_parse_exception",
            f"[1:17] [{PARSER}] sync_cursor doesn't support values of type: START_ARRAY",
        ),
        (
            b'{"last_indexed_document_count": "many"}',
            "x_content_parse_exception",
            f"[1:33] [{PARSER}] failed to parse field [last_indexed_document_count]",
        ),
    ],
)
async def test_malformed_bodies_are_rejected_and_change_nothing(
    api: Api, connector: str, raw: bytes, expected_type: str, expected_reason: str
) -> None:
    before = await stored(api)
    status, body = await api.put(f"/_connector/{connector}/_last_sync", raw=raw)
    assert status == 400
    assert error_of(body) == (expected_type, expected_reason)
    assert await stored(api) == before


async def test_invalid_status_is_rejected_with_the_reason_as_cause(api: Api, connector: str) -> None:
    status, body = await api.put(
        f"/_connector/{connector}/_last_sync", raw=b'{"last_sync_status": "this is not a valid status"}'
    )
    reason = f"[1:22] [{PARSER}] failed to parse field [last_sync_status]"
    assert (status, body) == (
        400,
        {
            "error": {
                "root_cause": [{"type": "x_content_parse_exception", "reason": reason}],
                "type": "x_content_parse_exception",
                "reason": reason,
                "caused_by": {
                    "type": "illegal_argument_exception",
                    "reason": "Unknown ConnectorSyncStatus [this is not a valid status].",
                },
            },
            "status": 400,
        },
    )


async def test_invalid_date_is_rejected_with_the_parser_cause(api: Api, connector: str) -> None:
    status, body = await api.put(
        f"/_connector/{connector}/_last_sync", {"last_access_control_sync_scheduled_at": "this is not a timestamp"}
    )
    assert status == 400
    assert error_of(body)[1].endswith(f"[{PARSER}] failed to parse field [last_access_control_sync_scheduled_at]")
    assert body["error"]["caused_by"]["reason"] == (
        "failed to parse date field [this is not a timestamp] with format [strict_date_optional_time||epoch_millis]"
    )


async def test_missing_body_is_a_parse_exception(api: Api, connector: str) -> None:
    status, body = await api.put(f"/_connector/{connector}/_last_sync")
    assert (status, error_of(body)) == (400, ("parse_exception", "request body is required"))


async def test_invalid_json_is_a_parse_error_with_position(api: Api, connector: str) -> None:
    status, body = await api.put(f"/_connector/{connector}/_last_sync", raw=b'{"last_sync_error": }')
    assert status == 400
    assert error_of(body)[0] == "x_content_parse_exception"
    assert error_of(body)[1].startswith("[1:")


async def test_missing_connector_is_not_found(api: Api) -> None:
    status, body = await api.put("/_connector/nope/_last_sync", {"last_sync_error": "x"})
    assert (status, error_of(body)) == (404, ("resource_not_found_exception", "connector [nope] not found"))


async def test_empty_connector_id_is_a_validation_error(api: Api) -> None:
    status, body = await api.put("/_connector//_last_sync", {})
    assert (status, error_of(body)) == (
        400,
        ("action_request_validation_exception", 'Validation Failed: 1: [connector_id] cannot be [null] or [""].;'),
    )
