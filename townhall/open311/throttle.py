"""Rate limits for the Open311 door: per API key for posts, per IP address for everything.

Fixed one-minute windows counted in the shared cache (Redis in production), so every web
process sees the same counts. Limits come from settings when set there.
"""

from django.conf import settings

from townhall.core.ratelimit import rate_wait

DEFAULT_PER_KEY = 120  # posts a minute from one client
DEFAULT_PER_IP = 600  # requests a minute from one address


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _over(kind: str, ident: str, limit: int) -> int:
    return rate_wait(f"open311:{kind}", ident, limit)


def ip_wait(ip_address: str | None) -> int:
    """Seconds this address must wait before its next request, or 0."""
    return _over("ip", ip_address or "unknown", _limit("OPEN311_RATE_PER_IP", DEFAULT_PER_IP))


def client_wait(client_id: int) -> int:
    """Seconds this API client must wait before its next post, or 0."""
    return _over("key", str(client_id), _limit("OPEN311_RATE_PER_KEY", DEFAULT_PER_KEY))
