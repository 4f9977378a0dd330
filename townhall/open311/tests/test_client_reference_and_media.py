"""The client's own id makes a report idempotent for good; photos come in multipart and go out
as media_url; every keyed request is logged against its client."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseAttachment
from townhall.cases.services import case_change_status
from townhall.catalogue.models import Service
from townhall.integrations import outbound
from townhall.integrations.models import OutboxMessage, PartnerEndpoint
from townhall.open311.clients import api_client_push_set
from townhall.open311.models import ApiClient, Open311RequestLog
from townhall.open311.tests.factories import BASE, KEY, good_report, make_open311_world
from townhall.portal.tests.fixtures import photo_bytes

pytestmark = pytest.mark.django_db
URL = BASE + "requests.json"


@pytest.fixture
def world():
    return make_open311_world()


def test_the_same_client_reference_returns_the_same_request_however_late(client, world):
    first = client.post(URL, good_report(**{"attribute[fixmystreet_id]": "FMS-4411"})).json()
    changed = good_report(**{"attribute[fixmystreet_id]": "FMS-4411"})
    changed["description"] = "A different description, sent days later"
    again = client.post(URL, changed).json()
    assert first[0]["service_request_id"] == again[0]["service_request_id"]
    assert Case.objects.count() == 1
    another = good_report(**{"attribute[fixmystreet_id]": "FMS-4412"})
    another["description"] = "Another fly-tip further down the road"
    other = client.post(URL, another).json()
    assert other[0]["service_request_id"] != first[0]["service_request_id"]


def test_automated_attributes_are_not_kept_as_answers_and_closest_address_helps(client, world):
    data = good_report(
        **{
            "attribute[fixmystreet_id]": "FMS-1",
            "attribute[closest_address]": "Bus stop, 3 Bank Street",
        }
    )
    data.pop("address_string", None)
    client.post(URL, data)
    case = Case.objects.get()
    assert "fixmystreet_id" not in case.open311_submission.attributes
    assert case.open311_submission.client_reference == "FMS-1"


def test_a_photo_posted_with_the_report_is_checked_kept_and_served_as_media_url(client, world):
    data = good_report()
    data["media"] = SimpleUploadedFile("tip.jpg", photo_bytes(), content_type="image/jpeg")
    response = client.post(URL, data)
    assert response.status_code == 200, response.content
    case = Case.objects.get()
    photo = CaseAttachment.objects.get(case=case)
    assert photo.is_public and photo.content_type == "image/jpeg"
    [request] = client.get(BASE + f"requests/{case.reference}.json").json()
    assert request["media_url"].endswith(f"/open311/v2/media/{case.reference}/{photo.pk}")
    served = client.get(f"/open311/v2/media/{case.reference}/{photo.pk}")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"] == (
        f'attachment; filename="{case.reference}-photo-{photo.pk}.jpg"'
    )
    assert client.get(f"/open311/v2/media/{case.reference}/999999").status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(client, world):
    data = good_report()
    data["media"] = SimpleUploadedFile("tip.jpg", b"<script>alert(1)</script>")
    response = client.post(URL, data)
    assert response.status_code == 400
    assert any("not a photo" in e["description"] for e in response.json())
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


def test_keyed_requests_are_logged_with_their_client(client, world):
    client.post(URL, good_report())
    client.post(URL, good_report(api_key="wrong"))
    client.get(BASE + f"requests.json?api_key={KEY}")
    client.get(BASE + "services.json")  # anonymous read: log file only
    rows = list(
        Open311RequestLog.objects.order_by("at").values_list("client__name", "method", "status")
    )
    fms = ApiClient.objects.get().name
    assert rows == [(fms, "POST", 200), (None, "POST", 403), (fms, "GET", 200)]


def test_a_sensitive_service_is_listed_private_and_its_reports_are_never_public(client, world):
    Service.objects.filter(open311_code="fly_tipping").update(is_sensitive=True)
    services = {s["service_code"]: s for s in client.get(BASE + "services.json").json()}
    assert "private" in services["fly_tipping"]["keywords"].split(",")
    [created] = client.post(URL, good_report()).json()
    assert client.get(BASE + "requests.json").json() == []
    detail = client.get(BASE + f"requests/{created['service_request_id']}.json")
    assert detail.status_code == 404


def test_the_desk_case_page_shows_what_the_client_sent(client, world):
    client.post(URL, good_report(**{"attribute[fixmystreet_id]": "FMS-77"}))
    case = Case.objects.get()
    officer = User.objects.create_user("o@example.gov.uk", "Not-a-real-pass-1", role="officer")
    officer.departments.add(case.department)
    client.force_login(officer)
    html = client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Sent by FixMyStreet (Open311)" in html and "FMS-77" in html
    assert "Six black bags by the bus stop" in html and "bags" in html


def test_public_reads_are_shared_from_the_cache_for_a_short_while(client, world, settings):
    settings.OPEN311_CACHE_SECONDS = 30
    [created] = client.post(URL, good_report()).json()
    first = client.get(BASE + f"requests.json?api_key={KEY}")
    assert first["Cache-Control"] == "public, max-age=30"
    Case.objects.update(status="closed", resolution="completed")  # behind the services' back
    again = client.get(BASE + "requests.json")  # the key is no part of the answer
    assert again.content == first.content and again.json()[0]["status"] == "open"
    zipped = client.get(BASE + "requests.json", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    import gzip

    assert gzip.decompress(zipped.content) == first.content
    settings.OPEN311_CACHE_SECONDS = 0
    assert client.get(BASE + "requests.json").json()[0]["status"] == "closed"
    assert created["service_request_id"]


def test_a_change_through_the_services_is_seen_at_once_despite_the_cache(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.OPEN311_CACHE_SECONDS = 30
    with django_capture_on_commit_callbacks(execute=True):
        [created] = client.post(URL, good_report()).json()
    url = BASE + f"requests/{created['service_request_id']}.json"
    assert client.get(url).json()[0]["status"] == "open"
    with django_capture_on_commit_callbacks(execute=True):
        case_change_status(
            case=Case.objects.get(), actor=None, status="closed", resolution="completed"
        )
    assert client.get(url).json()[0]["status"] == "closed"


def test_status_changes_are_pushed_signed_through_the_outbox(client, world, settings, monkeypatch):
    public = [(2, 1, 6, "", ("93.184.216.34", 443))]
    monkeypatch.setattr(outbound, "_getaddrinfo", lambda host, port: public)
    fms = ApiClient.objects.get()
    settings.DEMO = False
    with pytest.raises(Exception, match="must start https://"):
        api_client_push_set(client=fms, url="http://not-secure.example.com/hook")
    secret = api_client_push_set(client=fms, url="https://fms.example.com/open311/push")
    assert PartnerEndpoint.objects.get(name=f"open311-client-{fms.pk}").secret == secret
    client.post(URL, good_report())
    case = Case.objects.get()
    case_change_status(
        case=case,
        actor=None,
        status="closed",
        resolution="completed",
        public_note="Cleared this morning.",
    )
    message = OutboxMessage.objects.get(partner=f"open311-client-{fms.pk}")
    assert message.payload["service_request_id"] == case.reference
    assert message.payload["status"] == "FIXED"
    assert message.payload["description"] == "Cleared this morning."
    api_client_push_set(client=fms, url="")
    assert not PartnerEndpoint.objects.get(name=f"open311-client-{fms.pk}").enabled
