"""Rate limits for the Open311 door: a keyed client by its key (posts and keyed reads), a
caller without a key by its IP address.

Fixed one-minute windows counted in the shared cache (Redis in production), so every web
process sees the same counts. Limits come from settings when set there. The figures are set
from what a FixMyStreet instance sends a busy county at its peak, with twice that as headroom
(README, "Open311": send-reports and send-comments catching up after an outage, one POST
after another, ~400 a minute together; populate-service-list's hourly GET of every service
definition, ~150 more in the same minute).
"""

from django.conf import settings

from townhall.core.ratelimit import rate_wait

DEFAULT_PER_KEY = 1200  # requests a minute from one client (by its key)
DEFAULT_PER_IP = 1200  # requests a minute from one address without a key


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _over(kind: str, ident: str, limit: int) -> int:
    return rate_wait(f"open311:{kind}", ident, limit)


def ip_wait(ip_address: str | None) -> int:
    """Seconds this address must wait before its next request, or 0."""
    return _over("ip", ip_address or "unknown", _limit("OPEN311_RATE_PER_IP", DEFAULT_PER_IP))


def client_wait(client_id: int) -> int:
    """Seconds this API client must wait before its next request, or 0."""
    return _over("key", str(client_id), _limit("OPEN311_RATE_PER_KEY", DEFAULT_PER_KEY))
