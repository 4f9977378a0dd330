"""The address of the person at the other end of a request, the one every throttle, rate limit
and audit event keys on.

Behind a load balancer `REMOTE_ADDR` is the balancer, so every resident would share one
sign-in counter. `X-Forwarded-For` names the client, but anyone can send it: it is believed
only when the request comes from one of `TRUSTED_PROXIES`, and then only as far as the chain
of trusted proxies reaches. Each proxy appends the address it was connected from, so reading
from the right, the first address that is not itself a trusted proxy is the client; anything
to its left was written by the client and may be invented.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_proxy_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """The TRUSTED_PROXIES entries (addresses or CIDR ranges) as networks; a clear error for
    an entry that is neither."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or a network in CIDR form "
                "(like 10.0.0.5 or 10.0.0.0/8)."
            ) from None
    return tuple(networks)


def _address(text: str | None) -> IPAddress | None:
    """An address from a header or REMOTE_ADDR, allowing the port some proxies add
    (`1.2.3.4:5678`, `[2001:db8::1]:443`); None if it is not an address."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # IPv4 with a port (an IPv6 address has two colons or more)
        text = text.split(":", 1)[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the same client.
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def _trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's IP address: REMOTE_ADDR, or, when REMOTE_ADDR is a trusted proxy, the
    right-most X-Forwarded-For address that is not a trusted proxy. None when unknown."""
    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR"))
    if peer is None:
        return None
    networks = trusted_proxy_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    nearest = peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Our proxies write well-formed addresses, so this came from further out than any
            # of them: the nearest trusted hop's view is the best we know.
            break
        if not _trusted(address, networks):
            return str(address)
        nearest = address
    return str(nearest)
