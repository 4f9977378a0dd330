"""POST requests: keys, every kind of bad input, cases made, and idempotent retries."""

import pytest

from townhall.cases.models import Case
from townhall.open311.clients import api_client_revoke
from townhall.open311.models import Open311Submission
from townhall.open311.tests.factories import BASE, KEY, good_report, make_open311_world, xml_root

pytestmark = pytest.mark.django_db

URL = BASE + "requests.json"


@pytest.fixture
def world():
    return make_open311_world()


def _descriptions(response) -> list[str]:
    return [error["description"] for error in response.json()]


def test_a_good_report_becomes_an_open311_case_with_the_clients_name(client, world):
    response = client.post(URL, good_report())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    [created] = response.json()
    case = Case.objects.get()
    assert created["service_request_id"] == case.reference
    assert created["token"] is None
    assert created["account_id"] is None
    assert created["service_notice"]
    assert case.channel == "open311"
    assert case.channel_client == "FixMyStreet"
    assert case.service.open311_code == "fly_tipping"
    assert (case.lat, case.lon) == (51.1465, 0.875)
    assert case.usrn == "70001001"
    assert case.contact_email == "reporter@example.com"
    assert case.contact_name == "Ada Lovelace"
    assert case.summary == "Six black bags by the bus stop"
    submission = Open311Submission.objects.get()
    assert submission.case == case
    assert submission.attributes == {"waste": ["bags"], "size": "bag"}


def test_the_key_may_come_in_the_query_string_and_the_answer_in_xml(client, world):
    data = good_report(api_key=None)
    response = client.post(BASE + f"requests.xml?api_key={KEY}", data)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = xml_root(response.content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == Case.objects.get().reference


@pytest.mark.parametrize("key", [None, "", "not-the-key"])
def test_a_missing_or_wrong_key_is_refused_with_403(client, world, key):
    response = client.post(URL, good_report(api_key=key))
    assert response.status_code == 403
    [error] = response.json()
    assert error["code"] == 403
    assert "api_key" in error["description"]
    assert not Case.objects.exists()


def test_a_revoked_key_is_refused(client, world):
    api_client_revoke(client=world[1])
    assert client.post(URL, good_report()).status_code == 403


def test_a_report_without_a_location_is_a_400(client, world):
    response = client.post(URL, good_report(lat=None, long=None))
    assert response.status_code == 400
    assert any("location is required" in d for d in _descriptions(response))


def test_empty_lat_and_long_count_as_absent(client, world):
    response = client.post(URL, good_report(lat="", long=""))
    assert response.status_code == 400
    assert any("location is required" in d for d in _descriptions(response))


def test_an_address_string_alone_is_a_location(client, world):
    response = client.post(URL, good_report(lat=None, long=None, address_string="3 Bank Street"))
    assert response.status_code == 200
    assert Case.objects.get().location_text == "3 Bank Street"


@pytest.mark.parametrize("code", ["potholes", ""])
def test_an_unknown_or_missing_service_code_is_a_400(client, world, code):
    response = client.post(URL, good_report(service_code=code))
    assert response.status_code == 400
    assert any("service_code" in d for d in _descriptions(response))


def test_a_description_over_4000_characters_is_a_400(client, world):
    response = client.post(URL, good_report(description="x" * 4001))
    assert response.status_code == 400
    assert any("4,000 characters" in d for d in _descriptions(response))
    assert client.post(URL, good_report(description="x" * 4000)).status_code == 200


def test_a_location_outside_the_council_is_a_400(client, world):
    response = client.post(URL, good_report(lat="53.4808", long="-2.2426"))  # Manchester
    assert response.status_code == 400
    assert any("outside the council's area" in d for d in _descriptions(response))


@pytest.mark.parametrize(
    ("lat", "long"), [("north", "0.875"), ("91", "0.875"), ("51.1", "nan"), ("51.1465", None)]
)
def test_coordinates_that_are_not_coordinates_are_a_400(client, world, lat, long):
    response = client.post(URL, good_report(lat=lat, long=long))
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_attribute_values_must_be_in_their_lists(client, world):
    response = client.post(
        URL, good_report(**{"attribute[size]": "lorry", "attribute[waste][]": ["bags", "cars"]})
    )
    assert response.status_code == 400
    descriptions = _descriptions(response)
    assert any("attribute[size] value 'lorry' is not in its list" in d for d in descriptions)
    assert any("attribute[waste] has values not in its list: cars" in d for d in descriptions)


def test_required_and_unknown_attributes_are_errors(client, world):
    data = good_report(**{"attribute[size]": None, "attribute[colour]": "red"})
    response = client.post(URL, data)
    assert response.status_code == 400
    descriptions = _descriptions(response)
    assert any("attribute[size] is required" in d for d in descriptions)
    assert any("Unknown attributes for fly_tipping: colour" in d for d in descriptions)


def test_repeated_multivalue_attributes_without_brackets_are_accepted(client, world):
    data = good_report(**{"attribute[waste][]": None, "attribute[waste]": ["bags", "furniture"]})
    assert client.post(URL, data).status_code == 200
    assert Open311Submission.objects.get().attributes["waste"] == ["bags", "furniture"]


def test_several_problems_are_reported_at_once(client, world):
    response = client.post(
        URL,
        good_report(
            lat="53.4808",
            long="-2.2426",
            description="x" * 5000,
            email="not-an-email",
            **{"attribute[size]": "lorry"},
        ),
    )
    assert response.status_code == 400
    errors = response.json()
    assert len(errors) == 4
    assert {error["code"] for error in errors} == {400}
    assert not Case.objects.exists()


def test_several_problems_in_xml(client, world):
    response = client.post(BASE + "requests.xml", good_report(lat=None, long=None, service_code=""))
    assert response.status_code == 400
    root = xml_root(response.content)
    assert root.tag == "errors"
    assert len(root.findall("error")) == 2
    assert all(e.findtext("code") == "400" and e.findtext("description") for e in root)


def test_a_retry_of_the_same_report_gets_the_same_id_and_no_second_case(client, world):
    first = client.post(URL, good_report()).json()[0]["service_request_id"]
    again = client.post(URL, good_report()).json()[0]["service_request_id"]
    assert again == first
    assert Case.objects.count() == 1
    different = client.post(URL, good_report(description="Now a sofa too")).json()[0]
    assert different["service_request_id"] != first
    assert Case.objects.count() == 2


def test_a_retry_after_ten_minutes_is_a_new_report(client, world):
    from datetime import timedelta

    from django.utils import timezone

    first = client.post(URL, good_report()).json()[0]["service_request_id"]
    Open311Submission.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    again = client.post(URL, good_report()).json()[0]["service_request_id"]
    assert again != first


def test_a_json_body_is_accepted_and_a_broken_one_is_a_400(client, world):
    import json

    body = good_report()
    ok = client.post(URL, json.dumps(body), content_type="application/json")
    assert ok.status_code == 200
    broken = client.post(URL, "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()[0]["code"] == 400


def test_script_and_ampersands_are_escaped_in_xml(client, world):
    nasty = "<script>alert('x')</script> & Sons' \"yard\" ]]> \x01"
    client.post(URL, good_report(description=nasty))
    response = client.get(BASE + "requests.xml")
    assert b"<script>" not in response.content
    assert b"&lt;script&gt;" in response.content
    root = xml_root(response.content)
    assert root.find("request/description").text == nasty.replace(" \x01", "")


def test_posting_is_not_stopped_by_csrf(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, good_report()).status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"<service_request><service_code>fly_tipping</service_code>", "text/xml", "form fields"),
        (b"{not json", "application/json", "not valid"),
        (b"[1, 2]", "application/json", "not valid"),
        (b"api_key=demo&description=\xff\xfe\xfa", "application/x-www-form-urlencoded", "UTF-8"),
    ],
)
def test_malformed_bodies_and_wrong_encodings_get_a_spec_shaped_400(
    client, world, body, content_type, reason
):
    response = client.post(URL, data=body, content_type=content_type)
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and reason in error["description"]
    assert not Case.objects.exists()


def test_a_ten_megabyte_description_is_refused_without_storing_anything(client, world):
    response = client.post(URL, good_report(description="x" * 10_000_000))
    assert response.status_code in (400, 413)
    assert not Case.objects.exists()
