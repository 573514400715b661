"""Sync-rule filtering of a connector: its enumerations and the rules of draft editing.

A connector keeps its filtering as a one-element list `[{"active", "domain", "draft"}]`; the
connector service validates the draft and the draft is then activated. These are Elasticsearch's
rules (`ConnectorFiltering`, `ConnectorIndexService`): the default rule always closes the draft's
rules, any edit of the draft resets its validation to `edited`, and only a `valid` draft can be
activated. Every function here is pure: it gets the timestamp to use and returns new objects.
"""

from __future__ import annotations

import copy
from enum import StrEnum
from typing import Any

from app.domain.connectors import default_filtering_rules, default_rule
from app.errors import IllegalArgument, StatusError

DEFAULT_DOMAIN = "DEFAULT"
"""Connectors always use this domain; Elasticsearch writes it whatever a request says."""


class FilteringPolicy(StrEnum):
    EXCLUDE = "exclude"
    INCLUDE = "include"


class FilteringRuleCondition(StrEnum):
    CONTAINS = "contains"
    ENDS_WITH = "ends_with"
    EQUALS = "equals"
    GT = ">"
    LT = "<"
    REGEX = "regex"
    STARTS_WITH = "starts_with"


class FilteringValidationState(StrEnum):
    EDITED = "edited"
    INVALID = "invalid"
    VALID = "valid"


def parse_policy(value: str) -> FilteringPolicy:
    """Case-insensitive, as `FilteringPolicy.filteringPolicy`."""
    for policy in FilteringPolicy:
        if policy.value == value.lower():
            return policy
    raise IllegalArgument(f"Unknown FilteringPolicy [{value}].")


def parse_rule_condition(value: str) -> FilteringRuleCondition:
    """Case-sensitive, as `FilteringRuleCondition.filteringRuleCondition`."""
    for condition in FilteringRuleCondition:
        if condition.value == value:
            return condition
    raise IllegalArgument(f"Unknown FilteringRuleCondition [{value}].")


def parse_validation_state(value: str) -> FilteringValidationState:
    """Case-insensitive, as `FilteringValidationState.filteringValidationState`."""
    for state in FilteringValidationState:
        if state.value == value.lower():
            return state
    raise IllegalArgument(f"Unknown FilteringValidationState: {value}")


def edited_validation() -> dict[str, Any]:
    """What a draft's validation becomes whenever the draft changes."""
    return {"errors": [], "state": FilteringValidationState.EDITED.value}


def is_default_rule(rule: dict[str, Any]) -> bool:
    """The default rule, recognised by content whatever its timestamps and order."""
    return (
        rule.get("field") == "_"
        and rule.get("id") == "DEFAULT"
        and rule.get("policy") == FilteringPolicy.INCLUDE
        and rule.get("rule") == FilteringRuleCondition.REGEX
        and rule.get("value") == ".*"
    )


def sort_rules(rules: list[dict[str, Any]], timestamp: str) -> list[dict[str, Any]]:
    """Draft rules as stored: the others by `order` (stable), then the default rule.

    The default rule gets order last + 1 (0 alone), and both its timestamps are the `created_at`
    of the default rule sent, if any, else `timestamp` (`sortFilteringRulesByOrder`).
    """
    sent_default = next((rule for rule in rules if is_default_rule(rule)), None)
    others = sorted((rule for rule in rules if not is_default_rule(rule)), key=lambda rule: rule["order"])
    default_timestamp = timestamp if sent_default is None else sent_default["created_at"]
    order = others[-1]["order"] + 1 if others else 0
    return [*others, default_rule(default_timestamp, order=order)]


def filtering_config(source: dict[str, Any], timestamp: str) -> dict[str, Any]:
    """The connector's filtering configuration (the first of the list).

    Elasticsearch fails with a server error when a connector has none (after a full replace
    with `"filtering": []`); here the default configuration stands in, so edits still work.
    """
    filtering = source.get("filtering")
    if isinstance(filtering, list) and filtering and isinstance(filtering[0], dict):
        return filtering[0]
    return new_filtering_config(default_filtering_rules(timestamp), default_filtering_rules(timestamp))


def new_filtering_config(active: dict[str, Any], draft: dict[str, Any]) -> dict[str, Any]:
    return {"active": active, "domain": DEFAULT_DOMAIN, "draft": draft}


def edit_draft(
    config: dict[str, Any],
    *,
    rules: list[dict[str, Any]] | None,
    advanced_snippet: dict[str, Any] | None,
    timestamp: str,
) -> dict[str, Any]:
    """`config` with a new draft: the parts given replace the draft's, and validation is reset."""
    active, draft = _active_and_draft(config)
    if advanced_snippet is not None:
        draft = {**draft, "advanced_snippet": advanced_snippet}
    if rules is not None:
        draft = {**draft, "rules": sort_rules(rules, timestamp)}
    return new_filtering_config(active, {**draft, "validation": edited_validation()})


def with_draft_validation(config: dict[str, Any], validation: dict[str, Any]) -> dict[str, Any]:
    """`config` whose draft has `validation`; its rules and advanced snippet are kept."""
    active, draft = _active_and_draft(config)
    return new_filtering_config(active, {**draft, "validation": validation})


def activate_draft(config: dict[str, Any]) -> dict[str, Any]:
    """`config` whose active filtering is a copy of its draft; the draft must be `valid`."""
    _, draft = _active_and_draft(config)
    state = (draft.get("validation") or {}).get("state")
    if state != FilteringValidationState.VALID:
        raise StatusError(
            "Filtering draft needs to be validated by the connector service before activation. "
            f"Current filtering draft validation state [{state}] is not equal to [valid]."
        )
    return new_filtering_config(copy.deepcopy(draft), draft)


def _active_and_draft(config: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    return config.get("active") or {}, config.get("draft") or {}
