"""A client for the GOV.UK Pay REST API (https://docs.payments.service.gov.uk/api_reference/).

Only what Townhall uses: create a payment, look one up, refund it, list its refunds, and check
the signature on Pay's webhooks. Card details never pass through here: the payer types them on
Pay's own page (next_url)."""

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings

UNFINISHED = {"created", "started", "submitted", "capturable"}


class PayError(Exception):
    """Pay refused or could not be reached. `retryable`: trying again later may work."""

    def __init__(self, message: str, *, status: int = 0, code: str = "", retryable: bool = False):
        super().__init__(message)
        self.status = status
        self.code = code
        self.retryable = retryable


@dataclass(frozen=True)
class PayPayment:
    payment_id: str
    amount: int
    reference: str
    status: str
    finished: bool
    code: str = ""
    message: str = ""
    next_url: str = ""
    refund_available: int = 0
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "PayPayment":
        state = data.get("state") or {}
        links = data.get("_links") or {}
        return cls(
            payment_id=str(data["payment_id"]),
            amount=int(data["amount"]),
            reference=str(data.get("reference", "")),
            status=str(state.get("status", "")),
            finished=bool(state.get("finished", False)),
            code=str(state.get("code", "")),
            message=str(state.get("message", "")),
            next_url=str((links.get("next_url") or {}).get("href", "")),
            refund_available=int((data.get("refund_summary") or {}).get("amount_available", 0)),
            raw=data,
        )


@dataclass(frozen=True)
class PayRefund:
    refund_id: str
    amount: int
    status: str


class PayClient:
    def __init__(self, base_url: str | None = None, api_key: str | None = None, timeout=10.0):
        self.base_url = (base_url or settings.PAY_BASE_URL).rstrip("/")
        self.api_key = api_key or settings.PAY_API_KEY
        self.timeout = timeout

    def _call(self, method: str, path: str, json: dict[str, Any] | None = None) -> Any:
        if not self.base_url:
            raise PayError("GOV.UK Pay is not set up here: PAY_BASE_URL is empty.")
        try:
            response = httpx.request(
                method,
                self.base_url + path,
                json=json,
                headers={"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"},
                timeout=self.timeout,
            )
        except httpx.HTTPError as error:
            raise PayError(f"Could not reach GOV.UK Pay: {error}", retryable=True) from error
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            code = str(body.get("code", ""))
            description = body.get("description") or response.text[:200]
            raise PayError(
                f"GOV.UK Pay said {response.status_code} {code}: {description}",
                status=response.status_code,
                code=code,
                retryable=response.status_code >= 500 or response.status_code == 429,
            )
        return response.json()

    def payment_create(
        self,
        *,
        amount: int,
        reference: str,
        description: str,
        return_url: str,
        metadata: dict[str, str] | None = None,
        moto: bool = False,
    ) -> PayPayment:
        body: dict[str, Any] = {
            "amount": amount,
            "reference": reference,
            "description": description,
            "return_url": return_url,
            "language": "en",
        }
        if metadata:
            body["metadata"] = metadata
        if moto:
            body["moto"] = True
        return PayPayment.from_json(self._call("POST", "/v1/payments", body))

    def payment_get(self, payment_id: str) -> PayPayment:
        return PayPayment.from_json(self._call("GET", f"/v1/payments/{payment_id}"))

    def refund_create(self, payment_id: str, *, amount: int, amount_available: int) -> PayRefund:
        data = self._call(
            "POST",
            f"/v1/payments/{payment_id}/refunds",
            {"amount": amount, "refund_amount_available": amount_available},
        )
        return PayRefund(str(data["refund_id"]), int(data["amount"]), str(data["status"]))


def webhook_signature_valid(body: bytes, signature: str, secret: str | None = None) -> bool:
    """Pay signs each webhook with HMAC-SHA256 of the raw body (hex, `Pay-Signature`).
    Never valid without a secret: anyone can sign with an empty key."""
    key = (secret if secret is not None else settings.PAY_WEBHOOK_SECRET).encode()
    if not key:
        return False
    expected = hmac.new(key, body, hashlib.sha256).hexdigest()
    return bool(signature) and hmac.compare_digest(expected, signature.strip())
