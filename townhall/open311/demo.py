"""The demo council's Open311 client (ACCEPTANCE.md), added through the demo loader's hook."""

from townhall.open311.services import api_client_ensure

DEMO_OPEN311_CLIENT = "Demo Open311 client"
DEMO_OPEN311_KEY = "demo-open311-key"


def demo_open311_client_load() -> None:
    """The demo's Open311 client, found by its key, so loading twice makes one client."""
    api_client_ensure(name=DEMO_OPEN311_CLIENT, key=DEMO_OPEN311_KEY)
