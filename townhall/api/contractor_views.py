"""The contractor API: a contractor's system pulls its jobs (or is sent them by webhook) and
posts back status updates and completion evidence.

Requests are signed (HMAC, timestamp: see integrations.signing) or carry a bearer token.
Everything refused is answered with a JSON error saying why, logged, and changes nothing."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from townhall.contractors.models import Contractor
from townhall.contractors.services import UpdateRefused, contractor_update_apply
from townhall.core.ratelimit import rate_wait
from townhall.integrations.inbound import (
    PARTNER_HEADER,
    PartnerUnknown,
    SignatureError,
    inbound_refusal_record,
    partner_from_request,
)
from townhall.integrations.models import PartnerEndpoint
from townhall.integrations.outbox.delivery import message_body
from townhall.integrations.outbox.services import (
    OutboxActionError,
    outbox_acknowledge,
    outbox_pull,
)
from townhall.waste.services import ResultRefused, crew_result_record

View = Callable[..., HttpResponse]


def _refuse(request: HttpRequest, partner: str, reason: str, status: int) -> JsonResponse:
    inbound_refusal_record(request, partner=partner, reason=reason, status_code=status)
    return JsonResponse({"error": reason}, status=status)


def _partner_view(view: Callable[..., HttpResponse]) -> View:
    """Identify the partner (refusing and logging when we cannot) and rate-limit it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        claimed = request.headers.get(PARTNER_HEADER, "")
        try:
            endpoint = partner_from_request(request)
        except (PartnerUnknown, SignatureError) as error:
            return _refuse(request, claimed, str(error), 401)
        limit = getattr(settings, "CONTRACTOR_RATE_PER_MINUTE", 1200)
        if wait := rate_wait("contractor", endpoint.name, limit):
            response = JsonResponse({"error": f"Too many requests; wait {wait} s."}, status=429)
            response["Retry-After"] = str(wait)
            return response
        return view(request, endpoint, *args, **kwargs)

    return csrf_exempt(wrapped)


@_partner_view
@require_http_methods(["POST"])
def job_event(request: HttpRequest, endpoint: PartnerEndpoint, job_id: str) -> HttpResponse:
    """POST /api/contractor/v1/jobs/<job_id>/events: one status update, applied once."""
    contractor = Contractor.objects.filter(partner=endpoint).first()
    if contractor is None:
        return _refuse(request, endpoint.name, f"{endpoint} is not a contractor.", 403)
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError) as error:
        return _refuse(request, endpoint.name, f"The body is not valid JSON: {error}.", 400)
    try:
        result = contractor_update_apply(contractor=contractor, job_id=job_id, data=data)
    except UpdateRefused as error:
        return _refuse(request, endpoint.name, str(error), error.status_code)
    return JsonResponse(
        {
            "job_id": str(result.job.job_id),
            "event_id": result.event.event_id,
            "job_status": result.job.status,
            "duplicate": result.duplicate,
        },
        status=200 if result.duplicate else 201,
    )


@_partner_view
@require_http_methods(["GET"])
def job_list(request: HttpRequest, endpoint: PartnerEndpoint) -> HttpResponse:
    """GET /api/contractor/v1/messages: what is waiting for a partner that pulls. Each message
    is the same JSON a webhook would carry; acknowledge each to mark it delivered."""
    try:
        limit = int(request.GET.get("limit", "100"))
    except ValueError:
        return _refuse(request, endpoint.name, "limit must be a whole number.", 400)
    messages = outbox_pull(endpoint=endpoint, limit=limit)
    return JsonResponse({"messages": [json.loads(message_body(m)) for m in messages]})


@_partner_view
@require_http_methods(["POST"])
def message_ack(request: HttpRequest, endpoint: PartnerEndpoint, key: str) -> HttpResponse:
    """POST /api/contractor/v1/messages/<id>/ack: the partner has the message."""
    try:
        message = outbox_acknowledge(endpoint=endpoint, idempotency_key=key)
    except OutboxActionError as error:
        return _refuse(request, endpoint.name, str(error), 404)
    return JsonResponse({"id": message.idempotency_key, "status": message.status})


@_partner_view
@require_http_methods(["POST"])
def crew_result(request: HttpRequest, endpoint: PartnerEndpoint) -> HttpResponse:
    """POST /api/contractor/v1/waste/results: what a crew found at one address (collected,
    not put out, contaminated, blocked access), recorded once per result_id."""
    if not Contractor.objects.filter(partner=endpoint).exists():
        return _refuse(request, endpoint.name, f"{endpoint} is not a contractor.", 403)
    try:
        data = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError) as error:
        return _refuse(request, endpoint.name, f"The body is not valid JSON: {error}.", 400)
    try:
        recorded = crew_result_record(partner=endpoint, data=data)
    except ResultRefused as error:
        return _refuse(request, endpoint.name, str(error), 400)
    result = recorded.result
    return JsonResponse(
        {
            "result_id": result.result_id,
            "uprn": result.address.uprn,
            "round": result.round.code if result.round else None,
            "duplicate": recorded.duplicate,
        },
        status=200 if recorded.duplicate else 201,
    )
