#!/usr/bin/env python3
"""A fake waste contractor: the other side of Townhall's contractor integration, for the demo,
the tests and the outbox benchmark. Standard library only; it is not part of Townhall.

It receives jobs as signed webhooks (POST /jobs), checks the signature, de-duplicates on the
Idempotency-Key header (a job sent twice is one job), and, when --auto is set, works each job
after a pause: posts back "accepted", "on the way" and "completed" (with a photo, GPS and a
note) to Townhall's contractor API, signed with the same secret. A job whose summary or place
says "not ours" (or every Nth job, with --reject-every) is rejected instead.

Test and benchmark controls (not part of any real contractor's API):
  POST /_control {"mode": "ok"|"down"|"slow"|"refuse", "delay": seconds, "townhall": url,
                  "partner": name (this partner only; without it, every partner)}
  POST /_progress/<job_id> {"codes": ["ACK", "CMP"]}   post those updates now
  GET  /_stats                                          counts of what arrived
  POST /_reset                                          forget everything

    python scripts/fake_contractor.py --port 8010 --townhall http://127.0.0.1:8000 --auto 20
"""

import argparse
import contextlib
import hashlib
import hmac
import json
import struct
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib
from base64 import b64encode
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from typing import Any

from fake_http import FakePartnerHandler

# Each demo partner's status codes (Townhall maps them to its own, per contractor).
CODES = {
    "specialist_clearance": {"accepted": "10", "on_way": "20", "done": "90", "rejected": "99"},
}
DEFAULT_CODES = {"accepted": "ACK", "on_way": "ONR", "done": "CMP", "rejected": "NOA"}


def _png(width: int = 64, height: int = 48) -> bytes:
    """A small green PNG: the "after" photo of a cleared site."""
    row = b"\x00" + b"\x30\xa0\x40" * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def sign(secret: str, body: bytes) -> str:
    stamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def check(secret: str, body: bytes, header: str) -> bool:
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        stamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - stamp) > 300:
        return False
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


class State:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.lock = threading.Lock()
        self.mode = "ok"
        self.delay = 0.0
        self.partner_modes: dict[str, tuple[str, float]] = {}  # partner -> (mode, delay)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.jobs: dict[str, dict[str, Any]] = {}  # idempotency key -> message
            self.attempts = 0
            self.duplicates = 0
            self.received = 0
            self.bad_signatures = 0
            self.refused_while_down = 0
            self.updates_sent = 0
            self.update_errors: list[str] = []


class Handler(FakePartnerHandler):
    protocol_version = "HTTP/1.1"
    state: State

    def log_message(self, format: str, *args: Any) -> None:
        if self.state.args.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        state = self.state
        if self.path == "/_stats":
            with state.lock:
                self._reply(
                    200,
                    {
                        "received": state.received,
                        "attempts": state.attempts,
                        "unique": len(state.jobs),
                        "duplicates": state.duplicates,
                        "bad_signatures": state.bad_signatures,
                        "refused_while_down": state.refused_while_down,
                        "updates_sent": state.updates_sent,
                        "update_errors": state.update_errors[-20:],
                        "keys": sorted(state.jobs),
                        "references": [m["payload"].get("reference") for m in state.jobs.values()],
                        "mode": state.mode,
                    },
                )
            return
        if self.path == "/healthz":
            self._reply(200, {"ok": True})
            return
        self._reply(404, {"error": "not found"})

    def do_POST(self) -> None:
        state = self.state
        body = self._body()
        if self.path == "/_control":
            data = json.loads(body or b"{}")
            with state.lock:
                if data.get("partner"):
                    state.partner_modes[data["partner"]] = (
                        data.get("mode", "ok"),
                        float(data.get("delay", 0)),
                    )
                else:
                    state.mode = data.get("mode", state.mode)
                    state.delay = float(data.get("delay", state.delay))
                    state.partner_modes.clear()
                state.args.townhall = data.get("townhall", state.args.townhall)
            self._reply(200, {"mode": state.mode, "delay": state.delay})
            return
        if self.path == "/_reset":
            state.reset()
            self._reply(200, {"ok": True})
            return
        if self.path.startswith("/_progress/"):
            job_id = self.path.rsplit("/", 1)[-1]
            codes = json.loads(body or b"{}").get("codes", [])
            message = next(
                (m for m in list(state.jobs.values()) if m["payload"].get("job_id") == job_id),
                None,
            )
            if message is None:
                self._reply(404, {"error": f"no job {job_id}"})
                return
            results = [post_update(state, message, code) for code in codes]
            self._reply(200, {"results": results})
            return
        if self.path != "/jobs":
            self._reply(404, {"error": "not found"})
            return
        mode, delay = state.partner_modes.get(
            self.headers.get("X-Townhall-Partner", ""), (state.mode, state.delay)
        )
        if mode == "down":
            with state.lock:
                state.refused_while_down += 1
            self._reply(503, {"error": "service unavailable (fake outage)"})
            return
        with state.lock:
            state.received += 1  # counted on arrival, before a slow partner's wait
        if mode == "slow":
            time.sleep(delay)
        if mode == "refuse":
            self._reply(400, {"error": "we do not take this kind of job"})
            return
        if not check(state.args.secret, body, self.headers.get("X-Townhall-Signature", "")):
            with state.lock:
                state.bad_signatures += 1
            self._reply(401, {"error": "bad signature"})
            return
        key = self.headers.get("Idempotency-Key", "")
        message = json.loads(body)
        message["partner"] = self.headers.get("X-Townhall-Partner", "")
        with state.lock:
            state.attempts += 1
            first = key not in state.jobs
            if first:
                message["contractor_ref"] = f"GW-{len(state.jobs) + 1:06d}"
                state.jobs[key] = message
            else:
                state.duplicates += 1
            known = state.jobs[key]
        if first and state.args.auto > 0 and message.get("operation") == "job_create":
            threading.Thread(target=work_job, args=(state, known), daemon=True).start()
        self._reply(200 if not first else 201, {"contractor_ref": known["contractor_ref"]})


def post_update(state: State, message: dict[str, Any], code_name: str) -> dict[str, Any]:
    """Send one status update for a job to Townhall, signed. `code_name` is a partner's own
    code (e.g. "CMP") or one of accepted/on_way/done/rejected."""
    partner = message.get("partner", "")
    codes = CODES.get(partner, DEFAULT_CODES)
    code = codes.get(code_name, code_name)
    payload = message["payload"]
    location = payload.get("location") or {}
    update: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "status": code,
        "occurred_at": datetime.now(UTC).isoformat(),
        "note": "",
    }
    if code == codes["done"]:
        update["note"] = "Cleared and swept. Photo attached."
        update["photos"] = [{"filename": "after.png", "content_base64": b64encode(_png()).decode()}]
        if location.get("lat") is not None:
            update["lat"], update["lon"] = location["lat"], location["lon"]
    if code == codes["rejected"]:
        update["note"] = "Not ours: this is outside our contract area."
    body = json.dumps(update).encode()
    url = state.args.townhall.rstrip("/") + payload["updates_url"]
    request = urllib.request.Request(  # noqa: S310 (http URL of our own Townhall)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Townhall-Partner": partner,
            "X-Townhall-Signature": sign(state.args.secret, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            result = {"code": code, "status": response.status}
    except urllib.error.HTTPError as error:
        result = {"code": code, "status": error.code, "error": error.read()[:300].decode()}
    except OSError as error:
        result = {"code": code, "status": 0, "error": str(error)}
    with state.lock:
        state.updates_sent += 1
        if result.get("error"):
            state.update_errors.append(f"{payload.get('job_id')}: {result}")
    return result


def work_job(state: State, message: dict[str, Any]) -> None:
    """What a crew does: accept, go, then clear it (or say it is not ours)."""
    pause = state.args.auto
    payload = message["payload"]
    said = f"{payload.get('summary', '')} {(payload.get('location') or {}).get('text', '')}"
    every = state.args.reject_every
    number = int(message.get("contractor_ref", "GW-0").split("-")[-1])
    reject = "not ours" in said.lower() or (every > 0 and number % every == 0)
    steps = ["accepted", "rejected"] if reject else ["accepted", "on_way", "done"]
    for step in steps:
        time.sleep(pause / len(steps))
        post_update(state, message, step)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--townhall", default="http://127.0.0.1:8000")
    parser.add_argument("--secret", default="demo-contractor-secret")
    parser.add_argument(
        "--auto", type=float, default=0, help="Work each job over this many seconds (0: never)."
    )
    parser.add_argument(
        "--reject-every", type=int, default=0, help="Reject every Nth job as not ours (0: none)."
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    Handler.state = State(args)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"fake contractor on http://{args.host}:{args.port}/ (Townhall at {args.townhall})")
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
