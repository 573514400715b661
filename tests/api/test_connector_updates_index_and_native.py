"""Index name, service type and native flag through the real app: the rules tied to them.

Split from `test_connector_updates.py`, whose helpers these tests share.
"""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_connector_updates import ID, create, put_error, put_ok, read


async def test_index_name_is_attached_detached_and_a_repeat_is_a_noop(api: Api) -> None:
    await create(api)
    await put_ok(api, "_index_name", {"index_name": "search-test"}, result="noop")
    await put_ok(api, "_index_name", {"index_name": "search-other"})
    assert (await read(api))["index_name"] == "search-other"
    await put_ok(api, "_index_name", {"index_name": None})
    assert (await read(api))["index_name"] is None


async def test_index_name_used_by_another_connector_is_rejected(api: Api) -> None:
    await create(api, "other", index_name="search-taken")
    await create(api)
    reason = "Index name [search-taken] is used by another connector."
    await put_error(api, "_index_name", {"index_name": "search-taken"}, 400, ("status_exception", reason))


async def test_index_name_check_in_use_comes_before_the_connector_lookup(api: Api) -> None:
    await create(api, "other", index_name="search-taken")
    reason = "Index name [search-taken] is used by another connector."
    await put_error(api, "_index_name", {"index_name": "search-taken"}, 400, ("status_exception", reason))


async def test_index_name_of_a_native_connector_needs_the_content_prefix(api: Api) -> None:
    await create(api, is_native=True)
    reason = (
        "Index attached to an Elastic-managed connector must start with the prefix: [content-]. "
        "The index name in the payload [search-x] doesn't comply with this requirement."
    )
    await put_error(api, "_index_name", {"index_name": "search-x"}, 400, ("status_exception", reason))
    await put_ok(api, "_index_name", {"index_name": "content-x"})
    assert (await read(api))["index_name"] == "content-x"


async def test_service_type_keeps_a_created_connector_created(api: Api) -> None:
    await create(api)
    await put_ok(api, "_service_type", {"service_type": "even-better-connector"})
    document = await read(api)
    assert (document["service_type"], document["status"]) == ("even-better-connector", "created")


async def test_service_type_sends_a_configured_connector_back_to_needs_configuration(api: Api) -> None:
    await create(api)
    await put_ok(api, "_status", {"status": "needs_configuration"})
    await put_ok(api, "_status", {"status": "configured"})
    await put_ok(api, "_service_type", {"service_type": "other"})
    assert (await read(api))["status"] == "needs_configuration"


async def test_native_on_a_connected_connector_sends_it_back_to_configured(api: Api) -> None:
    await create(api, index_name="content-x")
    await put_ok(api, "_error", {"error": None})
    await put_ok(api, "_native", {"is_native": True})
    document = await read(api)
    assert (document["is_native"], document["status"]) == (True, "configured")


async def test_native_keeps_other_statuses_and_accepts_a_connector_without_index(api: Api) -> None:
    await create(api, name="no index")
    await put_ok(api, "_native", {"is_native": "true"})
    document = await read(api)
    assert (document["is_native"], document["status"]) == (True, "created")


async def test_native_needs_the_attached_index_to_have_the_content_prefix(api: Api) -> None:
    await create(api, index_name="super-connector")
    reason = (
        f"The index name [super-connector] attached to the connector [{ID}] must start with the required prefix: "
        "[content-] to be Elastic-managed. Please update the attached index first to comply with this requirement."
    )
    await put_error(api, "_native", {"is_native": True}, 400, ("status_exception", reason))
    await put_ok(api, "_native", {"is_native": False}, result="noop")
