"""Handing a report on to the council responsible for it, through its Open311 GeoReport v2
endpoint (issue 17 point 3). A county speaks GeoReport, not our signed webhook, so this client
registers its own senders with the outbox: the message is stored with the case and sent,
retried and dead-lettered like any other, through the guarded `outbound_client`.

Two operations: `open311_request_post` (POST requests.json; the county answers with its
`service_request_id`, or a `token` to ask with later) and `open311_token_get` (GET
tokens/<token>.json until the id is issued; "not yet" is retried with the outbox's backoff).
Only the status and these two short fields of a reply are kept, never the body.
The local fake (scripts/fake_county.py) implements the same contract for tests and the demo."""

import hashlib
import os
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.db import transaction

from townhall.integrations.models import OutboxMessage, PartnerEndpoint
from townhall.integrations.outbound import (
    OutboundRefused,
    OutboundUnresolved,
    outbound_url_check,
    reply_summary,
)
from townhall.integrations.outbox.delivery import RETRYABLE_4XX, Attempt, outbox_sender_register
from townhall.integrations.outbox.services import outbox_enqueue

OPERATION_POST = "open311_request_post"
OPERATION_ASK = "open311_reference_ask"
# A reference or token we keep and show: short, and nothing a page could misread.
SAFE = re.compile(r"^[A-Za-z0-9_.:/-]{1,100}$")


def county_partner_ensure(*, endpoint: str, title: str) -> str:
    """The outbox partner for a county's GeoReport endpoint (created the first time); its
    name. The address is checked by the outbound guard."""
    url = outbound_url_check(endpoint).rstrip("/")
    host = (urlsplit(url).hostname or "county").replace(".", "-")[:36]
    name = f"county-{host}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"
    with transaction.atomic():
        partner, made = PartnerEndpoint.objects.get_or_create(
            name=name,
            defaults={
                "title": title[:120],
                "mode": PartnerEndpoint.Mode.PUSH,
                "url": url,
                # Unused by GeoReport (it authenticates with api_key); the field is required.
                "secret": secrets.token_hex(32),
                "max_in_flight": 4,
                "timeout_seconds": 10.0,
            },
        )
        if not made and partner.title != title[:120]:
            PartnerEndpoint.objects.filter(pk=partner.pk).update(title=title[:120])
    return name


def county_request_queue(
    *, partner: str, idempotency_key: str, correlation: str, request: dict[str, Any]
) -> OutboxMessage:
    """Queue a report for the county in the caller's transaction. `request` holds
    service_code, jurisdiction_id, api_key_secret (the name of the secret, not the key) and
    GeoReport's fields (lat, long, address_string, description, email, ...)."""
    return outbox_enqueue(
        partner=partner,
        operation=OPERATION_POST,
        payload=request,
        idempotency_key=idempotency_key,
        correlation=correlation,
    )


def county_token_queue(*, message: OutboxMessage, token: str) -> OutboxMessage:
    """Ask the county, later and until it answers, for the id behind `token`."""
    return outbox_enqueue(
        partner=message.partner,
        operation=OPERATION_ASK,
        payload={
            "token": token,
            "jurisdiction_id": message.payload.get("jurisdiction_id", ""),
            "api_key_secret": message.payload.get("api_key_secret", ""),
        },
        idempotency_key=f"{message.idempotency_key}-token",
        correlation=message.correlation,
    )


def _first(reply: httpx.Response) -> dict[str, str]:
    """The id and token of GeoReport's answer (a list of one object), if it has safe ones."""
    try:
        data = reply.json()
    except ValueError:
        return {}
    if isinstance(data, list) and data:
        data = data[0]
    if not isinstance(data, dict):
        return {}
    found = {}
    for key in ("service_request_id", "token"):
        value = data.get(key)
        if isinstance(value, int | str) and SAFE.match(str(value)):
            found[key] = str(value)
    return found


def _call(
    message: OutboxMessage, endpoint: PartnerEndpoint, send: Any, url: str
) -> tuple[Attempt | None, httpx.Response | None]:
    secret_name = str(message.payload.get("api_key_secret", ""))
    api_key = os.environ.get(secret_name, "") if secret_name else ""
    if not api_key:
        return Attempt(
            message.pk,
            message.attempts,
            "dead",
            f"Not sent: the secret {secret_name or '(none named)'} holding the county's API key "
            "is not set on this server.",
        ), None
    try:
        outbound_url_check(url, partner_hosts=endpoint.allowed_hosts, resolve=False)
        return None, send(api_key)
    except OutboundUnresolved as unresolved:
        return Attempt(
            message.pk, message.attempts, "retry", f"Not sent: {unresolved.reason}"
        ), None
    except OutboundRefused as refused:
        return Attempt(message.pk, message.attempts, "dead", f"Not sent: {refused.reason}"), None
    except httpx.TimeoutException:
        return Attempt(
            message.pk,
            message.attempts,
            "retry",
            f"No answer within {endpoint.timeout_seconds:g} s (timed out).",
        ), None
    except httpx.HTTPError as error:
        return Attempt(message.pk, message.attempts, "retry", f"Could not connect: {error}"), None


def _failed(message: OutboxMessage, reply: httpx.Response) -> Attempt:
    said = reply_summary(reply.status_code)
    if reply.status_code >= 500 or reply.status_code in RETRYABLE_4XX:
        return Attempt(message.pk, message.attempts, "retry", f"{said} from the county.")
    return Attempt(
        message.pk, message.attempts, "dead", f"Refused for good: {said} from the county."
    )


def open311_request_send(
    message: OutboxMessage, endpoint: PartnerEndpoint, client: httpx.Client
) -> Attempt:
    """POST the report to the county's requests.json. Never raises."""
    url = f"{endpoint.url.rstrip('/')}/requests.json"
    payload = message.payload
    fields = {k: str(v) for k, v in payload.get("fields", {}).items() if v not in (None, "")}
    fields["service_code"] = str(payload.get("service_code", ""))
    if payload.get("jurisdiction_id"):
        fields["jurisdiction_id"] = str(payload["jurisdiction_id"])

    def send(api_key: str) -> httpx.Response:
        return client.post(
            url,
            data={**fields, "api_key": api_key},
            headers={"Idempotency-Key": message.idempotency_key, "Accept": "application/json"},
            timeout=endpoint.timeout_seconds,
        )

    failed, reply = _call(message, endpoint, send, url)
    if failed is not None or reply is None:
        return failed or Attempt(message.pk, message.attempts, "retry", "No reply.")
    if not 200 <= reply.status_code < 300:
        return _failed(message, reply)
    found = _first(reply)
    if not found:
        return Attempt(
            message.pk,
            message.attempts,
            "dead",
            f"{reply_summary(reply.status_code)} from the county, without a service_request_id "
            "or token.",
        )
    return Attempt(
        message.pk, message.attempts, "delivered", "", {"status": reply.status_code, **found}
    )


def open311_token_send(
    message: OutboxMessage, endpoint: PartnerEndpoint, client: httpx.Client
) -> Attempt:
    """GET tokens/<token>.json; until the county has issued the id, try again later."""
    token = str(message.payload.get("token", ""))
    if not SAFE.match(token):
        return Attempt(message.pk, message.attempts, "dead", "Not sent: the token is not usable.")
    url = f"{endpoint.url.rstrip('/')}/tokens/{token}.json"
    params = {}
    if message.payload.get("jurisdiction_id"):
        params["jurisdiction_id"] = str(message.payload["jurisdiction_id"])

    def send(api_key: str) -> httpx.Response:
        return client.get(
            url,
            params={**params, "api_key": api_key},
            headers={"Accept": "application/json"},
            timeout=endpoint.timeout_seconds,
        )

    failed, reply = _call(message, endpoint, send, url)
    if failed is not None or reply is None:
        return failed or Attempt(message.pk, message.attempts, "retry", "No reply.")
    if reply.status_code == 404:  # GeoReport: not issued yet, or not known yet
        return Attempt(message.pk, message.attempts, "retry", "The county has no id for it yet.")
    if not 200 <= reply.status_code < 300:
        return _failed(message, reply)
    found = _first(reply)
    if "service_request_id" not in found:
        return Attempt(message.pk, message.attempts, "retry", "The county has no id for it yet.")
    return Attempt(
        message.pk, message.attempts, "delivered", "", {"status": reply.status_code, **found}
    )


def county_senders_register() -> None:
    """Give the outbox this client's senders (IntegrationsConfig.ready)."""
    outbox_sender_register(OPERATION_POST, open311_request_send)
    outbox_sender_register(OPERATION_ASK, open311_token_send)
