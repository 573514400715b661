"""The connector partial-update endpoints through the real app: effects read back with GET.

Bad request bodies are in `test_connector_updates_bad_input.py`; the index-name, service-type
and native-flag rules in `test_connector_updates_index_and_native.py`.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, error_of

ID = "my-connector"
URL = f"/_connector/{ID}"


async def create(api: Api, connector_id: str = ID, **fields: Any) -> dict[str, Any]:
    status, _ = await api.put(f"/_connector/{connector_id}", fields or {"index_name": "search-test"})
    assert status in (200, 201)
    return await read(api, connector_id)


async def read(api: Api, connector_id: str = ID) -> dict[str, Any]:
    status, body = await api.get(f"/_connector/{connector_id}?include_deleted=true")
    assert status == 200
    return dict(body)


async def put_ok(api: Api, endpoint: str, body: Any = None, result: str = "updated") -> None:
    status, answer = await api.put(f"{URL}/{endpoint}", body)
    assert (status, answer) == (200, {"result": result})


async def put_error(api: Api, endpoint: str, body: Any, status: int, error: tuple[str, str]) -> dict[str, Any]:
    """PUT expecting an error; returns the error body, after checking the connector is unchanged."""
    before = await read(api) if (await api.get(f"{URL}?include_deleted=true"))[0] == 200 else None
    answer_status, answer = await api.put(f"{URL}/{endpoint}", body)
    assert (answer_status, error_of(answer)) == (status, error)
    if before is not None:
        assert await read(api) == before
    return dict(answer)


async def soft_delete(api: Api) -> None:
    status, _ = await api.delete(URL)
    assert status == 200


async def test_check_in_sets_last_seen_and_a_second_check_in_moves_it_forward(api: Api) -> None:
    await create(api)
    await put_ok(api, "_check_in")
    first = (await read(api))["last_seen"]
    await put_ok(api, "_check_in")
    assert (await read(api))["last_seen"] != first


async def test_check_in_with_a_body_is_rejected(api: Api) -> None:
    await create(api)
    reason = f"request [PUT {URL}/_check_in] does not support having a body"
    await put_error(api, "_check_in", {"last_seen": "now"}, 400, ("illegal_argument_exception", reason))


async def test_check_in_applies_to_a_soft_deleted_connector_as_in_elasticsearch(api: Api) -> None:
    await create(api)
    await soft_delete(api)
    await put_ok(api, "_check_in")
    assert "last_seen" in await read(api)


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("_check_in", None),
        ("_status", {"status": "error"}),
        ("_error", {"error": "boom"}),
        ("_name", {"name": "x"}),
        ("_api_key_id", {"api_key_id": "x"}),
        (
            "_pipeline",
            {
                "pipeline": {
                    "extract_binary_content": True,
                    "name": "p",
                    "reduce_whitespace": True,
                    "run_ml_inference": True,
                }
            },
        ),
        ("_index_name", {"index_name": "search-x"}),
        ("_service_type", {"service_type": "x"}),
        ("_native", {"is_native": True}),
        ("_scheduling", {"scheduling": {"full": {"enabled": True, "interval": "0 0 0 * * ?"}}}),
        ("_features", {"features": {"incremental_sync": {"enabled": True}}}),
    ],
)
async def test_update_of_a_missing_connector_is_not_found(api: Api, endpoint: str, body: Any) -> None:
    await put_error(api, endpoint, body, 404, ("resource_not_found_exception", f"connector [{ID}] not found"))


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("_status", {"status": "error"}),
        ("_index_name", {"index_name": "search-x"}),
        ("_service_type", {"service_type": "x"}),
        ("_native", {"is_native": False}),
    ],
)
async def test_updates_that_look_the_connector_up_first_treat_soft_deleted_as_missing(
    api: Api, endpoint: str, body: Any
) -> None:
    await create(api)
    await soft_delete(api)
    await put_error(api, endpoint, body, 404, ("resource_not_found_exception", f"connector [{ID}] not found"))


@pytest.mark.parametrize("endpoint", ["_check_in", "_status", "_name", "_scheduling"])
async def test_an_empty_connector_id_is_a_validation_error(api: Api, endpoint: str) -> None:
    bodies = {
        "_status": {"status": "error"},
        "_name": {"name": "x"},
        "_scheduling": {"scheduling": {"full": {"enabled": True, "interval": "0 0 0 * * ?"}}},
    }
    status, body = await api.put(f"/_connector//{endpoint}", bodies.get(endpoint))
    reason = 'Validation Failed: 1: [connector_id] cannot be [null] or [""].;'
    assert (status, error_of(body)) == (400, ("action_request_validation_exception", reason))


async def test_status_follows_the_state_machine_and_is_matched_ignoring_case(api: Api) -> None:
    await create(api)
    await put_ok(api, "_status", {"status": "NEEDS_CONFIGURATION"})
    assert (await read(api))["status"] == "needs_configuration"
    await put_ok(api, "_status", {"status": "configured"})
    await put_ok(api, "_status", {"status": "configured"}, result="noop")
    assert (await read(api))["status"] == "configured"


async def test_status_transition_from_created_to_connected_is_rejected_with_its_cause(api: Api) -> None:
    await create(api)
    reason = (
        "Invalid transition attempt from [created] to [connected]. "
        "Such a status transition is not supported by the Connector Protocol."
    )
    body = await put_error(api, "_status", {"status": "connected"}, 400, ("status_exception", reason))
    assert body["error"]["caused_by"] == {"type": "connector_invalid_status_transition_exception", "reason": reason}
    assert body["error"]["root_cause"] == [{"type": "status_exception", "reason": reason}]


@pytest.mark.parametrize(("error", "status"), [("some error", "error"), (None, "connected"), ("", "connected")])
async def test_error_sets_the_error_and_the_status_that_goes_with_it(api: Api, error: str | None, status: str) -> None:
    await create(api)
    await put_ok(api, "_error", {"error": error})
    document = await read(api)
    assert (document["error"], document["status"]) == (error, status)


async def test_error_can_be_reset_to_null(api: Api) -> None:
    await create(api)
    await put_ok(api, "_error", {"error": "some error"})
    await put_ok(api, "_error", {"error": None})
    document = await read(api)
    assert (document["error"], document["status"]) == (None, "connected")


async def test_name_and_description_are_written_and_a_null_leaves_a_value_alone(api: Api) -> None:
    await create(api)
    await put_ok(api, "_name", {"name": "test-name", "description": "test-description"})
    await put_ok(api, "_name", {"name": None, "description": "other"})
    document = await read(api)
    assert (document["name"], document["description"]) == ("test-name", "other")
    await put_ok(api, "_name", {"name": "test-name"}, result="noop")


async def test_api_key_ids_are_written_and_a_null_leaves_a_value_alone(api: Api) -> None:
    await create(api)
    await put_ok(api, "_api_key_id", {"api_key_id": "key-id"})
    await put_ok(api, "_api_key_id", {"api_key_id": None, "api_key_secret_id": "secret-id"})
    document = await read(api)
    assert (document["api_key_id"], document["api_key_secret_id"]) == ("key-id", "secret-id")


async def test_pipeline_is_written_with_its_four_keys_and_unknown_inner_keys_are_ignored(api: Api) -> None:
    await create(api)
    pipeline = {
        "run_ml_inference": "false",
        "name": "p",
        "extra": 1,
        "reduce_whitespace": True,
        "extract_binary_content": True,
    }
    await put_ok(api, "_pipeline", {"pipeline": pipeline})
    stored = (await read(api))["pipeline"]
    assert list(stored.items()) == [
        ("extract_binary_content", True),
        ("name", "p"),
        ("reduce_whitespace", True),
        ("run_ml_inference", False),
    ]


async def test_scheduling_merges_single_schedules_and_stores_the_cron_upper_cased(api: Api) -> None:
    await create(api)
    await put_ok(
        api, "_scheduling", {"scheduling": {"incremental": {"enabled": True, "interval": "0 30 2 ? * mon-fri"}}}
    )
    scheduling = (await read(api))["scheduling"]
    assert scheduling == {
        "access_control": {"enabled": False, "interval": "0 0 0 * * ?"},
        "full": {"enabled": False, "interval": "0 0 0 * * ?"},
        "incremental": {"enabled": True, "interval": "0 30 2 ? * MON-FRI"},
    }


async def test_scheduling_with_only_access_control_is_accepted_unlike_elasticsearch(api: Api) -> None:
    await create(api)
    await put_ok(api, "_scheduling", {"scheduling": {"access_control": {"enabled": True, "interval": "0 0 3 * * ?"}}})
    assert (await read(api))["scheduling"]["access_control"] == {"enabled": True, "interval": "0 0 3 * * ?"}


async def test_features_merge_into_the_stored_features(api: Api) -> None:
    await create(api)
    await put_ok(
        api,
        "_features",
        {"features": {"document_level_security": {"enabled": True}, "sync_rules": {"basic": {"enabled": True}}}},
    )
    await put_ok(
        api, "_features", {"features": {"sync_rules": {"advanced": {"enabled": False, "x": 1}}, "unknown": {}}}
    )
    assert (await read(api))["features"] == {
        "document_level_security": {"enabled": True},
        "sync_rules": {"basic": {"enabled": True}, "advanced": {"enabled": False}},
    }


@pytest.mark.parametrize(
    "endpoint",
    [
        "_status",
        "_error",
        "_name",
        "_api_key_id",
        "_pipeline",
        "_index_name",
        "_service_type",
        "_native",
        "_scheduling",
        "_features",
    ],
)
async def test_a_missing_body_is_a_parse_error(api: Api, endpoint: str) -> None:
    await create(api)
    await put_error(api, endpoint, None, 400, ("parse_exception", "request body is required"))


async def test_an_unknown_query_parameter_is_rejected(api: Api) -> None:
    await create(api)
    status, body = await api.put(f"{URL}/_name?refresh=true", {"name": "x"})
    reason = f"request [{URL}/_name] contains unrecognized parameter: [refresh]"
    assert (status, error_of(body)) == (400, ("illegal_argument_exception", reason))
