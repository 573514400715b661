"""Blueprint: sync jobs under `/_connector/_sync_job`: create, read, list, delete, and the
lifecycle calls a connector service makes (claim, check-in, stats, error, cancel).

These static `_sync_job` paths win over the connector routes' `/_connector/<id>...`: werkzeug
ranks a static segment above a converter, so no connector can shadow them.
"""

from __future__ import annotations

from quart import Blueprint, Response, request

from app.compat import csv, integer, json_response, query_parameters, required_body
from app.schemas import sync_jobs as schemas
from app.services import sync_jobs as service
from app.services.connectors import as_response
from app.state import current_storage

blueprint = Blueprint("sync_jobs", __name__)

JOB = "/_connector/_sync_job/<eid:job_id>"


@blueprint.route("/_connector/_sync_job", methods=["POST"])
@query_parameters()
async def post_sync_job() -> Response:
    """Create a pending sync job for a connector; 201 with its generated id."""
    new_job = schemas.parse_post(await required_body())
    job_id = await service.create_sync_job(current_storage(), new_job)
    return json_response({"id": job_id}, status=201)


@blueprint.route("/_connector/_sync_job", methods=["GET"])
@query_parameters("from", "size", "connector_id", "status", "job_type")
async def list_sync_jobs() -> Response:
    """A page of sync jobs, newest first, with the total count."""
    parameters = service.ListParameters(
        offset=integer("from", 0),
        size=integer("size", 100),
        connector_id=request.args.get("connector_id"),
        status=request.args.get("status"),
        job_types=tuple(csv("job_type")),
    )
    total, documents = await service.list_sync_jobs(current_storage(), parameters)
    return json_response({"count": total, "results": [as_response(document) for document in documents]})


@blueprint.route(JOB, methods=["GET"])
@query_parameters()
async def get_sync_job(job_id: str) -> Response:
    """One sync job, as stored."""
    schemas.check_job_id(job_id)
    return json_response(as_response(await service.get_sync_job(current_storage(), job_id)))


@blueprint.route(JOB, methods=["DELETE"])
@query_parameters()
async def delete_sync_job(job_id: str) -> Response:
    """Remove a sync job."""
    schemas.check_job_id(job_id)
    await service.delete_sync_job(current_storage(), job_id)
    return json_response({"acknowledged": True})


@blueprint.route(f"{JOB}/_cancel", methods=["PUT"])
@query_parameters()
async def cancel_sync_job(job_id: str) -> Response:
    """Cancel a job: at once if it is not running, else ask its worker to stop."""
    schemas.check_job_id(job_id)
    outcome = await service.cancel_sync_job(current_storage(), job_id)
    return json_response({"result": outcome.result})


@blueprint.route(f"{JOB}/_check_in", methods=["PUT"])
@query_parameters()
async def check_in_sync_job(job_id: str) -> Response:
    """Record that the job's worker is alive (`last_seen` = now)."""
    schemas.check_job_id(job_id)
    outcome = await service.check_in_sync_job(current_storage(), job_id)
    return json_response({"result": outcome.result})


@blueprint.route(f"{JOB}/_claim", methods=["PUT"])
@query_parameters()
async def claim_sync_job(job_id: str) -> Response:
    """A worker takes a pending (or suspended) job; a job already taken is a 400."""
    worker_hostname, sync_cursor = schemas.parse_claim(job_id, await required_body())
    outcome = await service.claim_sync_job(current_storage(), job_id, worker_hostname, sync_cursor)
    return json_response({"result": outcome.result})


@blueprint.route(f"{JOB}/_error", methods=["PUT"])
@query_parameters()
async def set_sync_job_error(job_id: str) -> Response:
    """Fail a running (or canceling) job with an error message."""
    error = schemas.parse_error(job_id, await required_body())
    outcome = await service.set_sync_job_error(current_storage(), job_id, error)
    return json_response({"result": outcome.result})


@blueprint.route(f"{JOB}/_stats", methods=["PUT"])
@query_parameters()
async def update_sync_job_stats(job_id: str) -> Response:
    """Write a job's ingestion counters, `last_seen` and metadata."""
    stats = schemas.parse_stats(job_id, await required_body())
    outcome = await service.update_sync_job_stats(current_storage(), job_id, stats)
    return json_response({"result": outcome.result})
