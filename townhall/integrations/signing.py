"""Signatures on webhooks, both directions: HMAC-SHA256 over the timestamp and the raw body.

The header reads `t=<unix seconds>,v1=<hex digest>`. The timestamp is inside the signed text,
so a captured request cannot be replayed later with a fresh time; a request older (or newer)
than the tolerance is refused whatever its signature."""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Townhall-Signature"
TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """The request is not signed, badly signed, or too old: refuse it."""


def signature_make(secret: str, body: bytes, timestamp: int | None = None) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def signature_check(
    secret: str,
    body: bytes,
    header: str | None,
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> int:
    """Return the signed timestamp, or raise SignatureError saying what is wrong."""
    if not header:
        raise SignatureError(f"The {SIGNATURE_HEADER} header is missing.")
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        stamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise SignatureError(
            f"The {SIGNATURE_HEADER} header must read t=<unix time>,v1=<hex digest>."
        ) from None
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance:
        raise SignatureError(
            f"The signature's timestamp is {int(current - stamp)} seconds away from now; "
            f"more than {tolerance} is refused (replay protection)."
        )
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given):
        raise SignatureError("The signature does not match the body.")
    return stamp
