"""The HTTP plumbing the local partner stand-ins share (fake_county.py, fake_contractor.py,
pay_sandbox.py): answering with a body or with JSON, and reading a request's body. Standard
library only; imported from beside them, as each is run as a script from this folder."""

import json
from http.server import BaseHTTPRequestHandler
from typing import Any


class FakePartnerHandler(BaseHTTPRequestHandler):
    """A request handler with the small helpers every fake partner needs."""

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _reply(self, status: int, data: Any) -> None:
        """Answer with `data` as JSON."""
        self._send(status, json.dumps(data).encode(), "application/json")

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))
