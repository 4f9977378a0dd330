"""Data for Open311 tests: the portal's fly-tipping service and street, and a keyed client."""

from lxml import etree

from townhall.catalogue.models import Service
from townhall.core.xmlsafe import xml_parse
from townhall.open311.clients import api_client_create
from townhall.open311.models import ApiClient
from townhall.portal.tests.fixtures import make_service, make_street

KEY = "test-open311-key"
BASE = "/open311/v2/"
# On Bank Street, in the council's area.
LAT, LON = "51.1465", "0.8750"


def make_client(name: str = "FixMyStreet", key: str = KEY) -> ApiClient:
    return api_client_create(name=name, key=key)[0]


def make_open311_world() -> tuple[Service, ApiClient]:
    make_street()
    return make_service(), make_client()


def good_report(**overrides) -> dict:
    data = {
        "api_key": KEY,
        "service_code": "fly_tipping",
        "lat": LAT,
        "long": LON,
        "description": "Six black bags by the bus stop",
        "email": "reporter@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "attribute[waste][]": ["bags"],
        "attribute[size]": "bag",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def xml_root(content: bytes) -> etree._Element:
    """Parse one of our own responses, with the same parser as every XML input."""
    return xml_parse(content, what="Open311 answer")
