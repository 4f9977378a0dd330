"""Fixtures of the outbound tests: fake DNS, production settings (no demo, no allow list), and
local receivers closed after each test.
"""

from collections.abc import Callable, Iterator

import pytest

from townhall.integrations import outbound
from townhall.integrations.tests.outbound_fakes import PUBLIC, FakeDns, Receiver


@pytest.fixture
def dns(monkeypatch) -> FakeDns:
    fake = FakeDns()
    fake.set("partner.example.com", [PUBLIC])
    monkeypatch.setattr(outbound, "_getaddrinfo", fake)
    return fake


@pytest.fixture
def production(settings, dns):
    """Outside the demo, with no local receivers allowed: production's rules."""
    settings.DEMO = False
    settings.OUTBOUND_ALLOW_HOSTS = []
    return settings


@pytest.fixture
def receiver() -> Iterator[Callable[[int, bytes], Receiver]]:
    made: list[Receiver] = []

    def make(status: int, body: bytes) -> Receiver:
        made.append(Receiver(status, body))
        return made[-1]

    yield make
    for r in made:
        r.close()
