"""Open311 API clients: their keys (kept hashed, looked up per request with a short per-process
memory), revocation, and the push address a client's status updates are posted to.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from townhall.core.memo import ProcessMemo
from townhall.integrations.models import PartnerEndpoint
from townhall.integrations.outbound import outbound_url_check
from townhall.open311.models import ApiClient

KEY_PREFIX_LENGTH = 6


def _key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_client_create(*, name: str, key: str | None = None) -> tuple[ApiClient, str]:
    """Register a client and return it with its raw key, which is shown once and never
    stored. `key` is for fixed keys (the demo's); normally a random one is made."""
    raw_key = key or secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name.strip()[:100],
        key_hash=_key_hash(raw_key),
        key_prefix=raw_key[:KEY_PREFIX_LENGTH],
    )
    return client, raw_key


def api_client_ensure(*, name: str, key: str) -> ApiClient:
    """The client holding this fixed key, created if there is none (for the demo). A client
    that was revoked stays revoked."""
    existing = ApiClient.objects.filter(key_hash=_key_hash(key)).first()
    return existing or api_client_create(name=name, key=key)[0]


# Every keyed request looks its client up: a found client is kept per process for
# OPEN311_KEY_SECONDS, so a revoked key stops working everywhere within those seconds (at
# once in the process that revoked it). Wrong keys are not kept: a new key works at once.
_clients_kept = ProcessMemo("OPEN311_KEY_SECONDS")


def api_client_for_key(raw_key: str | None) -> ApiClient | None:
    """The active client holding this key, or None for no key, a wrong one or a revoked one."""
    if not raw_key:
        return None
    key_hash = _key_hash(raw_key)

    def load() -> ApiClient | None:
        return ApiClient.objects.filter(
            key_hash=key_hash, is_active=True, revoked_at__isnull=True
        ).first()

    client = _clients_kept.get(key_hash, load)
    if client is None:
        _clients_kept.forget(key_hash)
    return client


def api_client_revoke(*, client: ApiClient) -> ApiClient:
    """Stop a client's key working; its past reports keep their link to it."""
    client.is_active = False
    client.revoked_at = client.revoked_at or timezone.now()
    client.save(update_fields=["is_active", "revoked_at"])
    _clients_kept.forget(client.key_hash)
    return client


def push_partner_name(client_id: int) -> str:
    return f"open311-client-{client_id}"


def api_client_push_set(*, client: ApiClient, url: str) -> str:
    """Push this client's status updates to `url` (blank: stop). Returns the new signing
    secret to give the client (shown once), or "" when pushing stops.

    Raises OutboundRefused (a ValidationError saying why) for an address the server must not
    post to: not https, or a name resolving to a loopback, private or link-local address."""
    url = url.strip()
    if url:
        endpoint = PartnerEndpoint.objects.filter(name=push_partner_name(client.pk)).first()
        url = outbound_url_check(url, partner_hosts=endpoint.allowed_hosts if endpoint else ())
    with transaction.atomic():
        client.push_url = url
        client.save(update_fields=["push_url"])
        name = push_partner_name(client.pk)
        if not url:
            PartnerEndpoint.objects.filter(name=name).update(enabled=False)
            return ""
        secret = secrets.token_urlsafe(32)
        PartnerEndpoint.objects.update_or_create(
            name=name,
            defaults={
                "title": f"{client.name} (Open311)",
                "url": url,
                "secret": secret,
                "enabled": True,
                "max_in_flight": 4,
            },
        )
    return secret
