"""The demo council's Open311 client (ACCEPTANCE.md), loaded by `townhall.demo.loader`."""

from townhall.open311.checks import DEMO_OPEN311_KEY
from townhall.open311.clients import api_client_ensure

DEMO_OPEN311_CLIENT = "Demo Open311 client"


def demo_open311_client_load() -> None:
    """The demo's Open311 client, found by its key, so loading twice makes one client."""
    api_client_ensure(name=DEMO_OPEN311_CLIENT, key=DEMO_OPEN311_KEY)
