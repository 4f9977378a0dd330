"""Requests to addresses that a person or a partner chose: the one guard against the server
being steered at itself or at the council's internal network (SSRF).

An address is checked twice. When it is saved (`outbound_url_check`), so whoever typed it
gets a clear reason at once. And at connect time (`outbound_client`'s network backend), after
resolving the name again: the socket goes to the very address just checked, so a name that
resolved to a public address when saved and to 127.0.0.1 now (DNS rebinding) is refused
before a byte is sent. Redirects are never followed and proxies from the environment are ignored, so
nothing else resolves the name for us.

Refused: anything but https outside the demo, user names or passwords in the address, and any
address that is not publicly routable (loopback, private, link-local such as the cloud metadata
service at 169.254.169.254, multicast, reserved, unspecified, carrier-grade NAT) including the
same addresses wrapped in IPv6 (IPv4-mapped, 6to4, Teredo, NAT64).

The operator's own local receivers (the demo's fake contractor and Pay sandbox, test servers)
are let through by `settings.OUTBOUND_ALLOW_HOSTS`, a list of `host` or `host:port` entries
that is empty in production. A partner may also be held to its own list of host names
(`PartnerEndpoint.allowed_hosts`): a narrowing, never a way around the rules above."""

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Shared address space for carrier-grade NAT (RFC 6598): not private in Python's sense, but
# never a partner's public address.
CGNAT = ipaddress.ip_network("100.64.0.0/10")
# Well-known NAT64 prefix (RFC 6052): the last 32 bits are an IPv4 address.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class OutboundRefused(ValidationError):
    """An address the server must not fetch; the message says why, for the person who set it."""

    def __init__(self, message: str):
        super().__init__(message, code="outbound_refused")

    @property
    def reason(self) -> str:
        return str(self.messages[0])


class OutboundUnresolved(OutboundRefused):
    """The name could not be resolved: refused when saving (it cannot be checked), but when
    sending it may be a passing DNS failure, worth another try."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_problem(address: IPAddress) -> str:
    """Why the server must not connect to this address ("" when it may)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            problem = address_problem(inner)
            if problem:
                return f"{problem} (as the IPv4 address {inner} inside it)"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address (this server itself)"
    if address.is_link_local:
        return "a link-local address (such as a cloud metadata service)"
    if address.is_multicast:
        return "a multicast address"
    if address in CGNAT:
        return "a shared carrier-grade NAT address"
    if address.is_reserved:  # before private: Python counts 240.0.0.0/4 as both
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a public address"
    return ""


def _allow_entries() -> list[tuple[str, int | None]]:
    entries = []
    for entry in getattr(settings, "OUTBOUND_ALLOW_HOSTS", []):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry.startswith("["):  # [::1] or [::1]:8010
            host, _, rest = entry[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else ""
        elif entry.count(":") == 1:
            host, port = entry.split(":")
        else:
            host, port = entry, ""
        entries.append((host, int(port) if port else None))
    return entries


def host_allowed_by_operator(host: str, port: int) -> bool:
    """Whether settings.OUTBOUND_ALLOW_HOSTS names this host (and port): the operator's own
    local receivers, exempt from the address and https rules."""
    host = host.lower().strip("[]")
    return any(h == host and (p is None or p == port) for h, p in _allow_entries())


def _getaddrinfo(host: str, port: int) -> list[Any]:
    # One place to resolve names, so tests can play DNS (and rebinding) without a DNS server.
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def addresses_resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to now, in the resolver's order."""
    try:
        infos = _getaddrinfo(host, port)
    except (OSError, UnicodeError) as error:
        raise OutboundUnresolved(f"{host} could not be found (DNS: {error}).") from error
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in found:
            found.append(address)
    if not found:
        raise OutboundUnresolved(f"{host} could not be found (DNS gave no address).")
    return found


def addresses_check(host: str, addresses: Iterable[IPAddress]) -> None:
    """Refuse when any address the name has is one the server must not reach: a name with
    one public and one private address could be steered to the private one."""
    for address in addresses:
        problem = address_problem(address)
        if problem:
            shown = host if host == str(address) else f"{host} resolves to {address}, which"
            raise OutboundRefused(f"{shown} is {problem}; the server may not connect to it.")


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def outbound_url_check(url: str, *, partner_hosts: Sequence[str] = (), resolve: bool = True) -> str:
    """Check an address a person or partner set before it is saved; return it stripped.

    Raises OutboundRefused (a ValidationError) with the reason: not a full web address, not
    https outside the demo, a user name or password in it, a host outside the partner's own
    list, or a name that resolves to an address the server must not reach."""
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise OutboundRefused(
            "Enter a full web address starting https://, like https://partner.example/updates."
        ) from error
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or _default_port(parts.scheme)
    except ValueError as error:
        raise OutboundRefused(f"The port in {url} is not a number from 1 to 65535.") from error
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused("The address must not contain a user name or password.")
    allowed = [h.strip().lower() for h in partner_hosts if h.strip()]
    if allowed and host not in allowed:
        raise OutboundRefused(
            f"{host} is not one of this partner's allowed hosts ({', '.join(allowed)})."
        )
    if host_allowed_by_operator(host, port):
        return url
    if parts.scheme != "https" and not settings.DEMO:
        raise OutboundRefused("The address must start https:// (plain http is for the demo only).")
    if resolve:
        addresses_check(host, addresses_resolve(host, port))
    return url


class GuardedBackend(httpcore.SyncBackend):
    """Opens every TCP connection itself: resolves the name, checks every address, connects
    to the checked one. TLS then runs over that socket with the name (SNI and the certificate
    check), and the connection pool keeps connections by name, so nothing resolves the name a
    second time behind our back."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if not host_allowed_by_operator(host, port):
            addresses = addresses_resolve(host, port)
            addresses_check(host, addresses)
            host = str(addresses[0])
        return super().connect_tcp(host, port, timeout, local_address, socket_options)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose connections GuardedBackend opens; plain
    http is refused here, where the scheme is known."""

    def __init__(self, *, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits()
        super().__init__(limits=limits, trust_env=False)
        # httpx builds its pool without a way to pass a network backend; the same pool with
        # ours (pinned by test_the_connection_goes_to_the_address_that_was_checked).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        port = url.port or _default_port(url.scheme)
        if (
            url.scheme != "https"
            and not settings.DEMO
            and not host_allowed_by_operator(url.host, port)
        ):
            raise OutboundRefused(f"Refused to send to {url.host} over plain http.")
        return super().handle_request(request)


def outbound_client(**kwargs: Any) -> httpx.Client:
    """The HTTP client for every request to an address a person or partner set. Redirects are
    not followed (a redirect to an internal address would skip the save-time check) and
    environment proxies are ignored (a proxy would resolve the name itself)."""
    return httpx.Client(
        transport=GuardedTransport(limits=kwargs.pop("limits", None)),
        follow_redirects=False,
        trust_env=False,
        **kwargs,
    )


def reply_summary(status_code: int) -> str:
    """What the desk may show of a partner's reply: its status and the standard reason for it,
    never the body (which, from an internal service, could be anything)."""
    try:
        phrase = HTTPStatus(status_code).phrase
    except ValueError:
        phrase = "non-standard status"
    return f"HTTP {status_code} ({phrase})"
