"""Writes about partners themselves: where a partner is reached."""

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from townhall.core.audit import audit_record
from townhall.integrations.models import PartnerEndpoint
from townhall.integrations.outbound import outbound_url_check


def _hosts_clean(hosts: Iterable[str]) -> list[str]:
    cleaned = []
    for host in hosts:
        host = host.strip().lower()
        wrong = ValidationError(
            f"'{host}' is not a host name: give names like api.partner.example, without "
            "https://, a port or a path."
        )
        try:
            URLValidator(schemes=["https"])(f"https://{host}/")
            parts = urlsplit(f"https://{host}/")
            if parts.path != "/" or parts.port or parts.hostname != host.strip("[]"):
                raise wrong
        except (ValidationError, ValueError) as error:
            raise wrong from error
        if host not in cleaned:
            cleaned.append(host)
    return cleaned


def partner_endpoint_url_set(
    *,
    endpoint: PartnerEndpoint,
    url: str,
    allowed_hosts: Iterable[str] | None = None,
    actor: Any = None,
) -> PartnerEndpoint:
    """Point a partner at `url`, optionally holding it to a list of host names from now on.

    The address is checked as every partner address is (outbound_url_check: https outside the
    demo, a public address after DNS, one of the partner's hosts when it has a list) and
    refused with a ValidationError saying why; nothing is saved then. Audited."""
    hosts = endpoint.allowed_hosts if allowed_hosts is None else _hosts_clean(allowed_hosts)
    url = outbound_url_check(url, partner_hosts=hosts)
    with transaction.atomic():
        endpoint.url, endpoint.allowed_hosts = url, hosts
        endpoint.save(update_fields=["url", "allowed_hosts"])
        audit_record(
            action="partner_url_set",
            object_type="partner_endpoint",
            object_id=endpoint.pk,
            actor=actor,
            detail={"name": endpoint.name, "url": url, "allowed_hosts": hosts},
        )
    return endpoint
