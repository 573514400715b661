"""What each privilege lets a user or an API key do, through the real app."""

from __future__ import annotations

from tests.api.conftest import Api, error_of
from tests.security.api.conftest import create_key
from tests.security.conftest import api_key, basic

CONNECTOR = "cluster:admin/xpack/connector/"


def forbidden(action: str, who: str, granted_by: str) -> tuple[str, str]:
    return (
        "security_exception",
        f"action [{CONNECTOR}{action}] is unauthorized for {who}, this action is granted by the cluster privileges "
        f"[{granted_by}]",
    )


async def seed(api: Api) -> tuple[str, str]:
    """A connector, one of its sync jobs and a secret, created as root; (job id, secret id)."""
    root = basic("root")
    connector = {"index_name": "search-c1", "service_type": "google_drive"}
    assert (await api.put("/_connector/c1", connector, headers=root))[0] == 201
    status, job = await api.post("/_connector/_sync_job", {"id": "c1"}, headers=root)
    assert status == 201, job
    status, secret = await api.post("/_connector/_secret", {"value": "s3cr3t"}, headers=root)
    assert status == 200, secret
    return job["id"], secret["id"]


async def test_monitor_connector_reads_connectors_and_sync_jobs_but_writes_nothing(api: Api) -> None:
    job_id, secret_id = await seed(api)
    reader = basic("reader")
    who = "user [reader] with effective roles [reader]"

    assert (await api.get("/_connector", headers=reader))[1]["count"] == 1
    assert (await api.get("/_connector/c1", headers=reader))[1]["index_name"] == "search-c1"
    assert (await api.get("/_connector/_sync_job", headers=reader))[1]["count"] == 1
    assert (await api.get(f"/_connector/_sync_job/{job_id}", headers=reader))[1]["id"] == job_id

    status, body = await api.put("/_connector/c1/_name", {"name": "x"}, headers=reader)
    assert (status, error_of(body)) == (403, forbidden("update_name", who, "manage_connector,manage,all"))
    status, body = await api.post("/_connector/_sync_job", {"id": "c1"}, headers=reader)
    assert (status, error_of(body)) == (403, forbidden("sync_job/post", who, "manage_connector,manage,all"))
    status, body = await api.get(f"/_connector/_secret/{secret_id}", headers=reader)
    assert (status, error_of(body)) == (403, forbidden("secret/get", who, "read_connector_secrets,manage,all"))
    assert (await api.get("/_connector/c1", headers=basic("root")))[1]["name"] == ""


async def test_manage_connector_writes_connectors_but_not_secrets(api: Api) -> None:
    _, secret_id = await seed(api)
    writer = basic("writer")
    who = "user [writer] with effective roles [writer]"

    assert (await api.put("/_connector/c1/_name", {"name": "renamed"}, headers=writer))[0] == 200
    assert (await api.delete("/_connector/c1", headers=writer))[0] == 200
    status, body = await api.get(f"/_connector/_secret/{secret_id}", headers=writer)
    assert (status, error_of(body)) == (403, forbidden("secret/get", who, "read_connector_secrets,manage,all"))
    status, body = await api.post("/_connector/_secret", {"value": "v"}, headers=writer)
    assert (status, error_of(body)) == (403, forbidden("secret/post", who, "write_connector_secrets,manage,all"))


async def test_secret_privileges_split_reading_from_writing(api: Api) -> None:
    _, secret_id = await seed(api)
    reading, writing = basic("secret_reader"), basic("secret_writer")

    assert (await api.get(f"/_connector/_secret/{secret_id}", headers=reading))[1]["value"] == "s3cr3t"
    status, body = await api.put(f"/_connector/_secret/{secret_id}", {"value": "new"}, headers=reading)
    assert (status, error_of(body)) == (403, forbidden(
        "secret/put", "user [secret_reader] with effective roles [secret_reader]", "write_connector_secrets,manage,all"
    ))
    assert (await api.put(f"/_connector/_secret/{secret_id}", {"value": "new"}, headers=writing))[0] == 200
    status, body = await api.get(f"/_connector/_secret/{secret_id}", headers=writing)
    assert (status, error_of(body)) == (403, forbidden(
        "secret/get", "user [secret_writer] with effective roles [secret_writer]", "read_connector_secrets,manage,all"
    ))
    assert (await api.delete(f"/_connector/_secret/{secret_id}", headers=writing))[1] == {"deleted": True}


async def test_manage_does_everything_but_api_keys(api: Api) -> None:
    _, secret_id = await seed(api)
    manager = basic("manager")

    assert (await api.get(f"/_connector/_secret/{secret_id}", headers=manager))[1]["value"] == "s3cr3t"
    assert (await api.put("/_connector/c2", {}, headers=manager))[0] == 201
    status, body = await api.post("/_security/api_key", {"name": "k"}, headers=manager)
    assert (status, error_of(body)) == (403, (
        "security_exception",
        "action [cluster:admin/xpack/security/api_key/create] is unauthorized for user [manager] with effective "
        "roles [manager], this action is granted by the cluster privileges "
        "[manage_own_api_key,manage_api_key,manage_security,all]",
    ))


async def test_an_api_key_holds_its_descriptors_privileges_within_its_owners(api: Api) -> None:
    await seed(api)
    body = {"name": "k", "role_descriptors": {"r": {"cluster": ["manage"]}}}
    asked_for_manage = await create_key(api, "key_manager", body)
    key = api_key(asked_for_manage["encoded"])
    who = f"API key id [{asked_for_manage['id']}] of user [key_manager]"

    assert (await api.put("/_connector/c1/_name", {"name": "by key"}, headers=key))[0] == 200
    status, body = await api.post("/_connector/_secret", {"value": "v"}, headers=key)
    assert (status, error_of(body)) == (403, forbidden("secret/post", who, "write_connector_secrets,manage,all"))


async def test_an_api_key_without_descriptors_has_its_owners_privileges(api: Api) -> None:
    await seed(api)
    inherited = await create_key(api, "key_manager", {"name": "k"})
    key = api_key(inherited["encoded"])

    assert (await api.put("/_connector/c9", {}, headers=key))[0] == 201
    assert (await api.post("/_connector/_secret", {"value": "v"}, headers=key))[0] == 403


async def test_a_read_only_api_key_reads_but_does_not_write(api: Api) -> None:
    await seed(api)
    body = {"name": "ro", "role_descriptors": {"ro": {"cluster": ["monitor_connector"]}}}
    read_only = await create_key(api, "root", body)
    key = api_key(read_only["encoded"])

    assert (await api.get("/_connector/c1", headers=key))[0] == 200
    status, body = await api.delete("/_connector/c1", headers=key)
    assert (status, error_of(body)) == (403, forbidden(
        "delete", f"API key id [{read_only['id']}] of user [root]", "manage_connector,manage,all"
    ))
