"""The local fake contractor (scripts/fake_contractor.py) as a pytest fixture: one real HTTP
process for the session, reset before each test that uses it."""

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class FakeContractor:
    url: str

    def _call(self, path: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(  # noqa: S310 (local test server)
            self.url + path, data=body, method="GET" if data is None else "POST"
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())

    def control(self, **settings: Any) -> dict[str, Any]:
        return self._call("/_control", settings)

    def stats(self) -> dict[str, Any]:
        return self._call("/_stats")

    def progress(self, job_id: str, *codes: str) -> dict[str, Any]:
        return self._call(f"/_progress/{job_id}", {"codes": list(codes)})

    def reset(self) -> None:
        self._call("/_reset", {})
        self.control(mode="ok", delay=0)


def script_start(script: str, port: int, *extra: str) -> subprocess.Popen[bytes]:
    """Start one of our local partner servers (scripts/<script>) and wait until it answers."""
    process = subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, str(ROOT / "scripts" / script), "--port", str(port), *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{script} did not start")


def fake_contractor_start(
    port: int, townhall: str = "http://127.0.0.1:1", *extra: str
) -> subprocess.Popen[bytes]:
    return script_start("fake_contractor.py", port, "--townhall", townhall, *extra)


@pytest.fixture(scope="session")
def _fake_contractor_process() -> Iterator[FakeContractor]:
    port = free_port()
    process = fake_contractor_start(port)
    yield FakeContractor(f"http://127.0.0.1:{port}")
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def fake_contractor(_fake_contractor_process: FakeContractor) -> FakeContractor:
    _fake_contractor_process.reset()
    return _fake_contractor_process


@dataclass
class PaySandbox:
    url: str
    api_key: str = "api_test_townhall_sandbox_key"

    def _call(self, path: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(  # noqa: S310 (local test server)
            self.url + path, data=body, method="GET" if data is None else "POST"
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())

    def configure(self, **settings: Any) -> dict[str, Any]:
        return self._call("/_control/config", settings)

    def expire(self, pay_id: str) -> dict[str, Any]:
        return self._call(f"/_control/expire/{pay_id}", {})

    def card_submit(self, next_url: str, card: str) -> int:
        """Pay on the card page as a payer would; returns the HTTP status (303 on success)."""
        import urllib.parse

        token_url = next_url.replace("/card/", "/card/", 1)
        request = urllib.request.Request(  # noqa: S310
            token_url,
            data=urllib.parse.urlencode({"card_number": card}).encode(),
            method="POST",
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.fixture(scope="session")
def _pay_sandbox_process() -> Iterator[PaySandbox]:
    port = free_port()
    process = script_start("pay_sandbox.py", port)
    yield PaySandbox(f"http://127.0.0.1:{port}")
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def pay_sandbox(_pay_sandbox_process: PaySandbox, settings) -> PaySandbox:
    settings.PAY_BASE_URL = _pay_sandbox_process.url
    settings.PAY_API_KEY = _pay_sandbox_process.api_key
    settings.PAY_WEBHOOK_SECRET = "demo-pay-webhook-secret"
    _pay_sandbox_process.configure(webhook_url="", expiry_seconds=90 * 60)
    return _pay_sandbox_process


@dataclass
class FakeCounty:
    """scripts/fake_county.py: a county's Open311 GeoReport v2 endpoint."""

    url: str
    api_key: str = "test-county-key"

    @property
    def endpoint(self) -> str:
        return self.url + "/open311/v2"

    def _call(self, path: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(  # noqa: S310 (local test server)
            self.url + path, data=body, method="GET" if data is None else "POST"
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())

    def control(self, mode: str) -> dict[str, Any]:
        return self._call("/_control", {"mode": mode})

    def stats(self) -> dict[str, Any]:
        return self._call("/_stats")

    def reset(self) -> None:
        self._call("/_reset", {})


@pytest.fixture(scope="session")
def _fake_county_process() -> Iterator[FakeCounty]:
    port = free_port()
    county = FakeCounty(f"http://127.0.0.1:{port}")
    process = script_start("fake_county.py", port, "--api-key", county.api_key)
    yield county
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def fake_county(_fake_county_process: FakeCounty) -> FakeCounty:
    _fake_county_process.reset()
    return _fake_county_process
