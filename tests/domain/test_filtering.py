"""The pure filtering rules: default rule, draft editing, validation and activation."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.connectors import default_filtering_rules, default_rule
from app.domain.filtering import (
    activate_draft,
    edit_draft,
    filtering_config,
    is_default_rule,
    parse_policy,
    parse_rule_condition,
    parse_validation_state,
    sort_rules,
    with_draft_validation,
)
from app.errors import IllegalArgument, StatusError

T0 = "2023-05-25T12:30:00.000Z"
NOW = "2024-01-01T00:00:00.000Z"


def rule(rule_id: str, order: int, *, field: str = "f", value: str = "v", at: str = T0) -> dict[str, Any]:
    return {
        "created_at": at,
        "field": field,
        "id": rule_id,
        "order": order,
        "policy": "exclude",
        "rule": "regex",
        "updated_at": at,
        "value": value,
    }


def config(state: str = "valid") -> dict[str, Any]:
    draft = {**default_filtering_rules(T0), "validation": {"errors": [], "state": state}}
    return {"active": default_filtering_rules(T0), "domain": "DEFAULT", "draft": draft}


def test_sorting_no_rules_leaves_only_the_default_rule_stamped_now() -> None:
    assert sort_rules([], NOW) == [default_rule(NOW, order=0)]


def test_sorting_orders_rules_and_appends_default_rule_after_the_last_order() -> None:
    rules = [default_rule(T0, order=5), rule("b", 3), rule("a", 0)]
    assert [(item["id"], item["order"]) for item in sort_rules(rules, NOW)] == [("a", 0), ("b", 3), ("DEFAULT", 4)]


def test_sorting_keeps_the_sent_order_of_rules_with_equal_order() -> None:
    assert [item["id"] for item in sort_rules([rule("x", 1), rule("y", 1), rule("w", 1)], NOW)][:3] == ["x", "y", "w"]


def test_sorting_stamps_default_rule_with_created_at_of_the_sent_default_rule() -> None:
    sent = {**default_rule("2020-01-01T00:00:00.000Z", order=0), "updated_at": "2021-01-01T00:00:00.000Z"}
    default = sort_rules([rule("a", 2), sent], NOW)[-1]
    assert default == default_rule("2020-01-01T00:00:00.000Z", order=3)


def test_sorting_without_a_sent_default_rule_stamps_the_appended_one_now() -> None:
    assert sort_rules([rule("a", 0)], NOW)[-1] == default_rule(NOW, order=1)


def test_rule_with_default_id_but_other_content_is_an_ordinary_rule() -> None:
    lookalike = rule("DEFAULT", 2, field="other")
    assert not is_default_rule(lookalike)
    assert sort_rules([lookalike], NOW) == [lookalike, default_rule(NOW, order=3)]


def test_default_rule_is_recognised_whatever_its_timestamps_and_order() -> None:
    assert is_default_rule(default_rule(NOW, order=9))


def test_editing_rules_keeps_the_snippet_and_resets_validation() -> None:
    edited = edit_draft(config(), rules=[rule("a", 0)], advanced_snippet=None, timestamp=NOW)
    assert edited["draft"]["advanced_snippet"] == config()["draft"]["advanced_snippet"]
    assert [item["id"] for item in edited["draft"]["rules"]] == ["a", "DEFAULT"]
    assert edited["draft"]["validation"] == {"errors": [], "state": "edited"}
    assert edited["active"] == config()["active"] and edited["domain"] == "DEFAULT"


def test_editing_snippet_keeps_the_rules() -> None:
    snippet = {"created_at": NOW, "updated_at": NOW, "value": [{"query": "q"}]}
    edited = edit_draft(config(), rules=None, advanced_snippet=snippet, timestamp=NOW)
    assert edited["draft"]["advanced_snippet"] == snippet
    assert edited["draft"]["rules"] == config()["draft"]["rules"]


def test_draft_keys_keep_their_stored_order() -> None:
    edited = edit_draft(config(), rules=[], advanced_snippet=None, timestamp=NOW)
    assert list(edited) == ["active", "domain", "draft"]
    assert list(edited["draft"]) == ["advanced_snippet", "rules", "validation"]


def test_setting_validation_keeps_rules_and_snippet() -> None:
    validation = {"errors": [{"ids": ["1"], "messages": ["bad"]}], "state": "invalid"}
    updated = with_draft_validation(config(), validation)
    assert updated["draft"] == {**config()["draft"], "validation": validation}
    assert updated["active"] == config()["active"]


def test_activating_a_valid_draft_copies_it_into_active() -> None:
    edited = with_draft_validation(
        edit_draft(config(), rules=[rule("a", 0)], advanced_snippet=None, timestamp=NOW),
        {"errors": [], "state": "valid"},
    )
    activated = activate_draft(edited)
    assert activated["active"] == activated["draft"] == edited["draft"]
    assert activated["active"] is not activated["draft"]


@pytest.mark.parametrize("state", ["edited", "invalid"])
def test_activating_a_draft_that_is_not_valid_is_rejected(state: str) -> None:
    with pytest.raises(StatusError) as raised:
        activate_draft(config(state))
    assert raised.value.reason == (
        "Filtering draft needs to be validated by the connector service before activation. "
        f"Current filtering draft validation state [{state}] is not equal to [valid]."
    )


def test_connector_without_filtering_gets_the_default_configuration() -> None:
    expected = {"active": default_filtering_rules(NOW), "domain": "DEFAULT", "draft": default_filtering_rules(NOW)}
    assert filtering_config({"filtering": []}, NOW) == expected
    assert filtering_config({}, NOW) == expected


def test_first_filtering_configuration_is_the_one_used() -> None:
    first, second = config(), config("invalid")
    assert filtering_config({"filtering": [first, second]}, NOW) is first


def test_policy_is_matched_ignoring_case() -> None:
    assert parse_policy("EXCLUDE").value == "exclude"
    with pytest.raises(IllegalArgument, match=r"^Unknown FilteringPolicy \[maybe\]\.$"):
        parse_policy("maybe")


def test_rule_condition_is_matched_exactly() -> None:
    assert parse_rule_condition(">").value == ">"
    with pytest.raises(IllegalArgument, match=r"^Unknown FilteringRuleCondition \[REGEX\]\.$"):
        parse_rule_condition("REGEX")


def test_validation_state_is_matched_ignoring_case() -> None:
    assert parse_validation_state("Valid").value == "valid"
    with pytest.raises(IllegalArgument, match=r"^Unknown FilteringValidationState: done$"):
        parse_validation_state("done")
