"""Stand-ins for the outside world in the outbound tests: a DNS that answers what a test says, and
a local HTTP receiver that answers every POST with a set status.
"""

import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from townhall.integrations.models import OutboxMessage
from townhall.integrations.outbox.services import outbox_enqueue

PUBLIC = "93.184.216.34"


class FakeDns:
    """Names resolve to what the test says; an answer may be a list of answers in turn (the
    last repeats), to play DNS rebinding. IP literals resolve to themselves, as getaddrinfo's."""

    def __init__(self) -> None:
        self.names: dict[str, list[list[str]]] = {}
        self.asked: list[str] = []

    def set(self, name: str, *answers: list[str]) -> None:
        self.names[name] = list(answers)

    def __call__(self, host: str, port: int) -> list[Any]:
        self.asked.append(host)
        if host in self.names:
            answers = self.names[host]
            addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        else:
            try:
                addresses = [str(ipaddress.ip_address(host))]
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]


class Receiver:
    """A local HTTP server answering every POST with a set status and body, counting hits."""

    def __init__(self, status: int, body: bytes) -> None:
        self.status, self.body, self.hits = status, body, 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver.hits += 1
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def one_message(partner: str) -> OutboxMessage:
    return outbox_enqueue(
        partner=partner,
        operation="service_request_update",
        payload={"status": "FIXED"},
        idempotency_key=f"{partner}-1",
        correlation="FT-2026-000001",
    )
