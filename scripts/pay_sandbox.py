#!/usr/bin/env python3
"""A local sandbox of the GOV.UK Pay API, for the demo and the tests. Standard library only;
it is not part of Townhall.

It speaks the parts of the Pay REST API that Townhall uses, with the same shapes:
  POST /v1/payments                      create (amount, reference, description, return_url)
  GET  /v1/payments/{id}                 status (state.status, state.code, refund_summary)
  POST /v1/payments/{id}/refunds         refund (amount, refund_amount_available)
  GET  /v1/payments/{id}/refunds         refunds of a payment
and hosts the card page a payer is sent to (next_url), taking test card numbers only:
  4444333322221111  succeeds
  4000000000000002  is declined (P0010)
with a link to cancel (P0030). A payment not finished within 90 minutes expires (P0020). When a
payment finishes, a signed webhook (HMAC-SHA256 of the body in the Pay-Signature header) is sent
to --webhook-url. Card details stay in this process; nothing here is ever stored to disk except
the payments' state (no card numbers).

Test controls: POST /_control/expire/{id} ends a payment as expired now; POST /_control/config
{"webhook_url": ..., "expiry_seconds": ...}; GET /_stats.

    python scripts/pay_sandbox.py --port 8020 --webhook-url http://127.0.0.1:8000/payments/webhook
"""

import argparse
import contextlib
import hashlib
import hmac
import html
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from fake_http import FakePartnerHandler

SUCCESS_CARD = "4444333322221111"
DECLINED_CARD = "4000000000000002"
FAILURES = {
    "declined": ("P0010", "Payment method rejected"),
    "expired": ("P0020", "Payment expired"),
    "cancelled": ("P0030", "Payment was cancelled by the user"),
}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Sandbox:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.lock = threading.Lock()
        self.payments: dict[str, dict[str, Any]] = {}
        self.webhooks_sent = 0
        self.webhook_errors: list[str] = []
        self.state_file = Path(args.state) if args.state else None
        if self.state_file and self.state_file.exists():
            self.payments = json.loads(self.state_file.read_text())

    def save(self) -> None:
        if self.state_file:
            self.state_file.parent.mkdir(parents=True, exist_ok=True)
            self.state_file.write_text(json.dumps(self.payments))

    def expire_due(self, payment: dict[str, Any]) -> None:
        unfinished = payment["state"]["status"] in ("created", "started", "submitted")
        if unfinished and time.time() - payment["_created"] > self.args.expiry_seconds:
            self.finish(payment, "failed", "expired")

    def finish(self, payment: dict[str, Any], status: str, failure: str = "") -> None:
        payment["state"] = {"status": status, "finished": True}
        if failure:
            code, message = FAILURES[failure]
            payment["state"].update({"code": code, "message": message})
        if status == "success":
            payment["refund_summary"] = {
                "status": "available",
                "amount_available": payment["amount"],
                "amount_submitted": 0,
            }
        self.save()
        event = "card_payment_succeeded" if status == "success" else "card_payment_failed"
        if failure == "expired":
            event = "card_payment_expired"
        threading.Thread(target=self.webhook, args=(event, payment), daemon=True).start()

    def public(self, payment: dict[str, Any]) -> dict[str, Any]:
        base = self.args.base_url or f"http://127.0.0.1:{self.args.port}"
        data = {k: v for k, v in payment.items() if not k.startswith("_")}
        links: dict[str, Any] = {
            "self": {"href": f"{base}/v1/payments/{payment['payment_id']}", "method": "GET"}
        }
        if not payment["state"]["finished"]:
            links["next_url"] = {"href": f"{base}/card/{payment['_token']}", "method": "GET"}
        data["_links"] = links
        return data

    def webhook(self, event: str, payment: dict[str, Any]) -> None:
        if not self.args.webhook_url:
            return
        body = json.dumps(
            {
                "webhook_message_id": secrets.token_hex(13),
                "created_date": _now(),
                "resource_id": payment["payment_id"],
                "api_version": 1,
                "resource_type": "payment",
                "event_type": event,
                "resource": self.public(payment),
            }
        ).encode()
        signature = hmac.new(self.args.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(  # noqa: S310 (our own Townhall)
            self.args.webhook_url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Pay-Signature": signature},
        )
        try:
            with urllib.request.urlopen(request, timeout=15):  # noqa: S310
                pass
        except (urllib.error.URLError, OSError) as error:
            with self.lock:
                self.webhook_errors.append(f"{payment['payment_id']}: {error}")
        with self.lock:
            self.webhooks_sent += 1


CARD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}Enter card details - GOV.UK Pay sandbox</title>
<style>
body {{ font-family: arial, sans-serif; margin: 0; color: #0b0c0c; font-size: 19px; line-height: 1.3; }}
header {{ background: #0b0c0c; color: #fff; padding: 10px 15px; font-weight: bold; }}
main {{ max-width: 640px; margin: 0 auto; padding: 15px; }}
label {{ display: block; font-weight: bold; margin: 20px 0 5px; }}
.hint {{ color: #484949; margin: 0 0 5px; }}
input {{ font-size: 19px; padding: 5px; border: 2px solid #0b0c0c; width: 100%; max-width: 22em; box-sizing: border-box; }}
input:focus, button:focus, a:focus {{ outline: 3px solid #fd0; outline-offset: 0; }}
button {{ margin-top: 25px; font-size: 19px; background: #00703c; color: #fff; border: 0; padding: 10px 15px; box-shadow: 0 2px 0 #002d18; cursor: pointer; }}
.secondary {{ background: #f3f2f1; color: #0b0c0c; box-shadow: 0 2px 0 #929191; }}
.error {{ border: 5px solid #d4351c; padding: 15px; margin-bottom: 20px; }}
.error-message {{ color: #d4351c; font-weight: bold; }}
a {{ color: #1d70b8; }}
</style></head>
<body><header>GOV.UK Pay sandbox (test cards only)</header>
<main>
{error}
<h1>Enter card details</h1>
<p>{description}: <strong>&pound;{amount}</strong></p>
<p class="hint">Test cards: 4444 3333 2222 1111 succeeds; 4000 0000 0000 0002 is declined.</p>
<form method="post" action="/card/{token}" novalidate>
<label for="card-number">Card number</label>
{card_error}
<input id="card-number" name="card_number" inputmode="numeric" autocomplete="cc-number"{card_described}>
<label for="expiry">Expiry date</label><p class="hint" id="expiry-hint">For example, 04/29</p>
<input id="expiry" name="expiry" autocomplete="cc-exp" aria-describedby="expiry-hint">
<label for="name">Name on card</label>
<input id="name" name="name" autocomplete="cc-name">
<label for="cvc">Card security code</label>
<input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc">
<button type="submit">Continue</button>
</form>
<form method="post" action="/card/{token}/cancel"><button type="submit" class="secondary">Cancel payment</button></form>
</main></body></html>"""


class Handler(FakePartnerHandler):
    protocol_version = "HTTP/1.1"
    sandbox: Sandbox

    def log_message(self, format: str, *args: Any) -> None:
        if self.sandbox.args.verbose:
            super().log_message(format, *args)

    def _error(self, status: int, code: str, description: str) -> None:
        self._reply(status, {"code": code, "description": description})

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {self.sandbox.args.api_key}":
            self._error(401, "P0920", "Credentials are required to access this resource")
            return False
        return True

    def _payment(self, payment_id: str) -> dict[str, Any] | None:
        payment = self.sandbox.payments.get(payment_id)
        if payment is None:
            self._error(404, "P0200", "Not found")
        return payment

    def _by_token(self, token: str) -> dict[str, Any] | None:
        return next((p for p in self.sandbox.payments.values() if p["_token"] == token), None)

    def do_GET(self) -> None:
        sandbox = self.sandbox
        path = urllib.parse.urlsplit(self.path).path
        parts = path.strip("/").split("/")
        if path == "/healthz":
            return self._reply(200, {"ok": True})
        if path == "/_stats":
            with sandbox.lock:
                return self._reply(
                    200,
                    {
                        "payments": len(sandbox.payments),
                        "webhooks_sent": sandbox.webhooks_sent,
                        "webhook_errors": sandbox.webhook_errors[-20:],
                    },
                )
        if parts[:2] == ["v1", "payments"] and len(parts) in (3, 4):
            if not self._authorised():
                return None
            with sandbox.lock:
                payment = self._payment(parts[2])
                if payment is None:
                    return None
                sandbox.expire_due(payment)
                if len(parts) == 4 and parts[3] == "refunds":
                    refunds = payment.get("_refunds", [])
                    return self._reply(
                        200, {"payment_id": parts[2], "_embedded": {"refunds": refunds}}
                    )
                return self._reply(200, sandbox.public(payment))
        if parts[0] == "card" and len(parts) == 2:
            with sandbox.lock:
                payment = self._by_token(parts[1])
                if payment is not None:
                    sandbox.expire_due(payment)
            if payment is None or payment["state"]["finished"]:
                return self._send(
                    404,
                    b"<!DOCTYPE html><html lang='en'><head><title>Payment not found</title></head><body><main><h1>This payment has ended</h1></main></body></html>",
                    "text/html; charset=utf-8",
                )
            return self._card_page(payment)
        return self._error(404, "P0200", "Not found")

    def _card_page(self, payment: dict[str, Any], error: str = "") -> None:
        summary = ""
        card_error = ""
        described = ""
        if error:
            summary = (
                '<div class="error" role="alert"><h2>There is a problem</h2>'
                f'<p><a href="#card-number">{html.escape(error)}</a></p></div>'
            )
            card_error = f'<p class="error-message" id="card-error">Error: {html.escape(error)}</p>'
            described = ' aria-describedby="card-error"'
        page = CARD_PAGE.format(
            title="Error: " if error else "",
            error=summary,
            description=html.escape(payment["description"]),
            amount=f"{payment['amount'] / 100:.2f}",
            token=payment["_token"],
            card_error=card_error,
            card_described=described,
        )
        self._send(400 if error else 200, page.encode(), "text/html; charset=utf-8")

    def do_POST(self) -> None:
        sandbox = self.sandbox
        path = urllib.parse.urlsplit(self.path).path
        parts = path.strip("/").split("/")
        body = self._body()
        if path == "/_control/config":
            data = json.loads(body or b"{}")
            sandbox.args.webhook_url = data.get("webhook_url", sandbox.args.webhook_url)
            sandbox.args.expiry_seconds = float(
                data.get("expiry_seconds", sandbox.args.expiry_seconds)
            )
            return self._reply(200, {"webhook_url": sandbox.args.webhook_url})
        if parts[:2] == ["_control", "expire"] and len(parts) == 3:
            with sandbox.lock:
                payment = self._payment(parts[2])
                if payment is None:
                    return None
                sandbox.finish(payment, "failed", "expired")
            return self._reply(200, sandbox.public(payment))
        if path == "/v1/payments":
            if not self._authorised():
                return None
            try:
                data = json.loads(body)
                amount = int(data["amount"])
                reference = str(data["reference"])
                description = str(data["description"])
                return_url = str(data["return_url"])
            except (ValueError, KeyError, TypeError):
                return self._error(400, "P0102", "Invalid attribute value: the body is not valid")
            if not 1 <= amount <= 10_000_000:
                return self._error(422, "P0102", "Invalid attribute value: amount")
            payment_id = secrets.token_hex(13)
            payment = {
                "payment_id": payment_id,
                "amount": amount,
                "reference": reference[:255],
                "description": description[:255],
                "return_url": return_url,
                "metadata": data.get("metadata") or {},
                "moto": bool(data.get("moto")),
                "created_date": _now(),
                "state": {"status": "created", "finished": False},
                "payment_provider": "sandbox",
                "refund_summary": {
                    "status": "pending",
                    "amount_available": 0,
                    "amount_submitted": 0,
                },
                "_created": time.time(),
                "_token": secrets.token_urlsafe(16),
                "_refunds": [],
            }
            with sandbox.lock:
                sandbox.payments[payment_id] = payment
                sandbox.save()
            return self._reply(201, sandbox.public(payment))
        if parts[:2] == ["v1", "payments"] and len(parts) == 4 and parts[3] == "refunds":
            if not self._authorised():
                return None
            with sandbox.lock:
                payment = self._payment(parts[2])
                if payment is None:
                    return None
                try:
                    data = json.loads(body)
                    amount = int(data["amount"])
                    available = int(data["refund_amount_available"])
                except (ValueError, KeyError, TypeError):
                    return self._error(400, "P0602", "Invalid attribute value: amount")
                summary = payment["refund_summary"]
                if payment["state"]["status"] != "success":
                    return self._error(412, "P0603", "The payment is not available for refund")
                if available != summary["amount_available"]:
                    return self._error(412, "P0604", "Refund amount available mismatch")
                if not 1 <= amount <= summary["amount_available"]:
                    return self._error(400, "P0602", "Not sufficient amount available for refund")
                refund = {
                    "refund_id": secrets.token_hex(13),
                    "amount": amount,
                    "created_date": _now(),
                    "status": "success",
                }
                payment["_refunds"].append(refund)
                summary["amount_available"] -= amount
                summary["amount_submitted"] += amount
                summary["status"] = "available" if summary["amount_available"] else "full"
                sandbox.save()
            return self._reply(202, refund)
        if parts[0] == "card" and len(parts) in (2, 3):
            with sandbox.lock:
                payment = self._by_token(parts[1])
                if payment is not None:
                    sandbox.expire_due(payment)
            if payment is None or payment["state"]["finished"]:
                return self._error(404, "P0200", "This payment has ended")
            if len(parts) == 3 and parts[2] == "cancel":
                with sandbox.lock:
                    sandbox.finish(payment, "failed", "cancelled")
                return self._send(303, b"", "text/plain", {"Location": payment["return_url"]})
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            card = "".join((form.get("card_number") or [""])[0].split())
            if card not in (SUCCESS_CARD, DECLINED_CARD):
                return self._card_page(
                    payment, "Enter a test card number: 4444 3333 2222 1111 or 4000 0000 0000 0002"
                )
            with sandbox.lock:
                if card == SUCCESS_CARD:
                    sandbox.finish(payment, "success")
                else:
                    sandbox.finish(payment, "failed", "declined")
            return self._send(303, b"", "text/plain", {"Location": payment["return_url"]})
        return self._error(404, "P0200", "Not found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8020)
    parser.add_argument("--base-url", default="", help="Public address (default host:port).")
    parser.add_argument("--api-key", default="api_test_townhall_sandbox_key")
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--webhook-secret", default="demo-pay-webhook-secret")
    parser.add_argument("--expiry-seconds", type=float, default=90 * 60)
    parser.add_argument("--state", default="", help="JSON file keeping payments across restarts.")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    Handler.sandbox = Sandbox(args)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"GOV.UK Pay sandbox on http://{args.host}:{args.port}/")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
