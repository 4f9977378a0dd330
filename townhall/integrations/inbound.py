"""Who is calling us: a partner identified by its signature or its bearer token, and a log of
every request we refuse (kept for the desk, and written to the log)."""

import hashlib
import logging

from django.http import HttpRequest

from townhall.core.client_address import client_ip
from townhall.integrations.models import InboundRefusal, PartnerEndpoint
from townhall.integrations.signing import SIGNATURE_HEADER, SignatureError, signature_check

log = logging.getLogger(__name__)
PARTNER_HEADER = "X-Townhall-Partner"


class PartnerUnknown(Exception):
    """No partner could be identified, or its credentials are wrong."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def partner_from_request(request: HttpRequest) -> PartnerEndpoint:
    """The partner that sent this request: a bearer token, or the partner header plus a valid
    signature of the raw body. Raises PartnerUnknown or SignatureError saying what is wrong."""
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        token = auth.removeprefix("Bearer ").strip()
        endpoint = PartnerEndpoint.objects.filter(
            token_hash=token_hash(token), enabled=True
        ).first()
        if endpoint is None or not token:
            raise PartnerUnknown("The bearer token is not valid.")
        return endpoint
    name = request.headers.get(PARTNER_HEADER, "")
    if not name:
        raise PartnerUnknown(
            f"Say who you are: a bearer token, or the {PARTNER_HEADER} header with a "
            f"{SIGNATURE_HEADER} signature."
        )
    endpoint = PartnerEndpoint.objects.filter(name=name, enabled=True).first()
    if endpoint is None:
        raise PartnerUnknown(f"No partner called {name!r} is set up.")
    signature_check(endpoint.secret, request.body, request.headers.get(SIGNATURE_HEADER))
    return endpoint


def inbound_refusal_record(
    request: HttpRequest, *, partner: str, reason: str, status_code: int
) -> InboundRefusal:
    log.warning("refused %s %s from %s: %s", request.method, request.path, partner or "?", reason)
    return InboundRefusal.objects.create(
        partner=partner[:60],
        path=request.path[:300],
        reason=reason[:300],
        status_code=status_code,
        remote_addr=client_ip(request) or "",
        body_excerpt=request.body[:1000].decode("utf-8", "replace"),
    )


__all__ = ["PartnerUnknown", "SignatureError", "inbound_refusal_record", "partner_from_request"]
