"""Contract: a real third-party Open311 client (PyPI's `georeport`) drives the API over HTTP
in both formats. georeport has no POST, so reports are posted with `requests`, as it would."""

import pytest
import requests
from georeport import GeoReport

from townhall.cases.models import Case
from townhall.open311.tests.factories import KEY, good_report, make_open311_world

pytestmark = pytest.mark.django_db(transaction=True)


def _as_list(parsed) -> list:
    """xmltodict gives a dict for a single element and a list for several."""
    return parsed if isinstance(parsed, list) else [parsed]


@pytest.fixture
def root(live_server) -> str:
    httpd = live_server.thread.httpd
    if httpd.connections_override:
        # In-memory SQLite: the server's threads share the test's connection, so closing it
        # after each request is moot, and it races the test's teardown (a thread-sharing
        # error printed at exit). Django leaves this hook for tests to replace.
        httpd._close_connections = lambda: None
    make_open311_world()
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(root, fmt):
    api = GeoReport(root, jurisdiction="kingsmead", api_key=KEY, output_format=fmt)

    [service] = _as_list(api.get_service_list())
    assert service["service_code"] == "fly_tipping"
    assert service["group"] == "Waste and street scene"

    definition = api.get_service_definition("fly_tipping")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    codes = ["waste", "size", "risk", "details", "fixmystreet_id", "closest_address"]
    assert [a["code"] for a in attributes] == codes

    posted = requests.post(f"{root}/requests.{fmt}", data=good_report(), timeout=10)
    assert posted.status_code == 200, posted.text
    reference = Case.objects.get().reference

    one = api.get_service_request(reference)
    assert one["service_request_id"] == reference
    assert one["status"] == "open"

    many = _as_list(api.get_service_requests(service_code="fly_tipping", status="open"))
    assert [r["service_request_id"] for r in many] == [reference]


def test_georeport_sees_errors_as_http_errors(root):
    api = GeoReport(root)
    with pytest.raises(requests.HTTPError) as raised:
        api.get_service_definition("potholes")
    assert raised.value.response.status_code == 404
    assert raised.value.response.json()[0]["code"] == 404
    refused = requests.post(f"{root}/requests.json", data=good_report(api_key="nope"), timeout=10)
    assert refused.status_code == 403
