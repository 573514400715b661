from __future__ import annotations

from storage.documents import merge_partial, same_source


def test_objects_merge_key_by_key_and_other_values_replace() -> None:
    source = {"a": {"x": 1, "y": {"deep": 1}}, "list": [1, 2], "keep": True}
    patch = {"a": {"y": {"other": 2}}, "list": [3]}
    assert merge_partial(source, patch) == {"a": {"x": 1, "y": {"deep": 1, "other": 2}}, "list": [3], "keep": True}


def test_merge_leaves_its_arguments_untouched() -> None:
    source = {"a": {"x": 1}}
    patch = {"a": {"y": 2}}
    merge_partial(source, patch)
    assert source == {"a": {"x": 1}} and patch == {"a": {"y": 2}}


def test_null_in_patch_is_written_and_object_replaces_scalar() -> None:
    assert merge_partial({"a": 1, "b": 2}, {"a": None, "b": {"c": 1}}) == {"a": None, "b": {"c": 1}}


def test_same_source_distinguishes_json_types_but_not_key_order() -> None:
    assert same_source({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not same_source({"a": True}, {"a": 1})
    assert not same_source({"a": 1}, {"a": 1.0})


def test_same_source_compares_as_json_where_python_equality_is_looser() -> None:
    assert not same_source({"a": {"b": [True]}}, {"a": {"b": [1]}})
    assert not same_source({"a": 0.0}, {"a": -0.0})
    assert same_source({"a": {"x": 1, "y": [1.5, None]}}, {"a": {"y": [1.5, None], "x": 1}})


def test_same_source_tells_different_documents_apart() -> None:
    assert not same_source({"a": 1}, {"a": 2})
    assert not same_source({"a": 1}, {"a": 1, "b": None})
    assert not same_source({"a": {"b": "x"}}, {"a": {"b": "y"}})
