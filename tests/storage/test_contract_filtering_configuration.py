"""Filtering and configuration updates on every backend, and two writers that must both win."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.domain.connectors import default_filtering_rules
from app.errors import ResourceNotFound, StatusError
from app.services import configuration, connector_updates, filtering
from app.services.connectors import create_connector, get_connector
from storage import Storage

T0 = "2023-05-25T12:30:00.000Z"
ROUNDS = 5


def rule(rule_id: str, order: int) -> dict[str, Any]:
    return {
        "created_at": T0,
        "field": "f",
        "id": rule_id,
        "order": order,
        "policy": "exclude",
        "rule": "regex",
        "updated_at": T0,
        "value": "v",
    }


async def new_connector(storage: Storage, connector_id: str = "c") -> None:
    await create_connector(storage, connector_id, {"index_name": f"search-{connector_id}"})
    schema = {key: {"label": key, "value": None} for key in ("a", "b")}
    await configuration.update_configuration(storage, connector_id, {"configuration": schema})


async def source_of(storage: Storage, connector_id: str = "c") -> dict[str, Any]:
    return (await get_connector(storage, connector_id, include_deleted=True)).source


async def test_draft_edit_and_validation_and_activation_round_trip(storage: Storage) -> None:
    await new_connector(storage)
    await filtering.update_filtering(storage, "c", {"rules": [rule("r", 1)]})
    await filtering.update_filtering_validation(storage, "c", {"validation": {"errors": [], "state": "valid"}})
    outcome = await filtering.activate_filtering(storage, "c")
    [config] = (await source_of(storage))["filtering"]
    assert outcome.result == "updated"
    assert [item["id"] for item in config["active"]["rules"]] == ["r", "DEFAULT"]
    assert config["active"] == config["draft"]


async def test_full_replace_writes_the_list_as_given(storage: Storage) -> None:
    await new_connector(storage)
    config = {"active": default_filtering_rules(T0), "domain": "DEFAULT", "draft": default_filtering_rules(T0)}
    await filtering.update_filtering(storage, "c", {"filtering": [config, config]})
    assert (await source_of(storage))["filtering"] == [config, config]


async def test_activation_of_an_edited_draft_fails_and_writes_nothing(storage: Storage) -> None:
    await new_connector(storage)
    await filtering.update_filtering(storage, "c", {"rules": []})
    before = await source_of(storage)
    with pytest.raises(StatusError):
        await filtering.activate_filtering(storage, "c")
    assert await source_of(storage) == before


async def test_values_update_known_keys_and_refuse_unknown_ones(storage: Storage) -> None:
    await new_connector(storage)
    await configuration.update_configuration(storage, "c", {"values": {"a": {"x": 1}}})
    with pytest.raises(StatusError):
        await configuration.update_configuration(storage, "c", {"values": {"a": 2, "z": 3}})
    stored = await source_of(storage)
    assert stored["configuration"]["a"]["value"] == {"x": 1} and stored["status"] == "configured"


async def test_draft_operations_on_missing_connector_are_not_found(storage: Storage) -> None:
    with pytest.raises(ResourceNotFound):
        await filtering.update_filtering(storage, "nope", {"rules": []})
    with pytest.raises(ResourceNotFound):
        await configuration.update_configuration(storage, "nope", {"values": {}})


async def test_configuration_value_and_draft_edit_by_two_writers_both_survive(storage: Storage) -> None:
    await new_connector(storage)
    for round_number in range(ROUNDS):
        await asyncio.gather(
            configuration.update_configuration(storage, "c", {"values": {"a": round_number}}),
            filtering.update_filtering(storage, "c", {"rules": [rule(f"r{round_number}", round_number)]}),
        )
        stored = await source_of(storage)
        assert stored["configuration"]["a"]["value"] == round_number
        assert stored["filtering"][0]["draft"]["rules"][0]["id"] == f"r{round_number}"


async def test_values_of_two_keys_by_two_writers_both_survive(storage: Storage) -> None:
    await new_connector(storage)
    for round_number in range(ROUNDS):
        await asyncio.gather(
            configuration.update_configuration(storage, "c", {"values": {"a": f"a{round_number}"}}),
            configuration.update_configuration(storage, "c", {"values": {"b": f"b{round_number}"}}),
        )
        stored = (await source_of(storage))["configuration"]
        assert (stored["a"]["value"], stored["b"]["value"]) == (f"a{round_number}", f"b{round_number}")


async def test_draft_validation_and_name_by_two_writers_both_survive(storage: Storage) -> None:
    await new_connector(storage)
    for round_number in range(ROUNDS):
        state = "invalid" if round_number % 2 else "valid"
        validation = {"errors": [{"ids": [str(round_number)], "messages": ["m"]}], "state": state}
        await asyncio.gather(
            filtering.update_filtering_validation(storage, "c", {"validation": validation}),
            connector_updates.update_name(storage, "c", {"name": f"name-{round_number}"}),
        )
        stored = await source_of(storage)
        assert stored["filtering"][0]["draft"]["validation"] == validation
        assert stored["name"] == f"name-{round_number}"


async def test_activation_and_schema_replacement_by_two_writers_both_survive(storage: Storage) -> None:
    await new_connector(storage)
    for round_number in range(ROUNDS):
        await filtering.update_filtering(storage, "c", {"rules": [rule(f"r{round_number}", 0)]})
        await filtering.update_filtering_validation(storage, "c", {"validation": {"errors": [], "state": "valid"}})
        schema = {f"k{round_number}": {"label": "L", "value": round_number}}
        await asyncio.gather(
            filtering.activate_filtering(storage, "c"),
            configuration.update_configuration(storage, "c", {"configuration": schema}),
        )
        stored = await source_of(storage)
        assert stored["filtering"][0]["active"]["rules"][0]["id"] == f"r{round_number}"
        assert stored["configuration"] == schema


async def test_full_filtering_replace_and_values_by_two_writers_both_survive(storage: Storage) -> None:
    await new_connector(storage)
    for round_number in range(ROUNDS):
        rules = {**default_filtering_rules(T0), "rules": [rule(f"r{round_number}", 0)]}
        config = {"active": rules, "domain": "DEFAULT", "draft": rules}
        await asyncio.gather(
            filtering.update_filtering(storage, "c", {"filtering": [config]}),
            configuration.update_configuration(storage, "c", {"values": {"b": round_number}}),
        )
        stored = await source_of(storage)
        assert stored["filtering"] == [config] and stored["configuration"]["b"]["value"] == round_number
