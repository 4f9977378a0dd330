"""A designer sets who is responsible for a service that is not ours and how its reports are
handed on (issue 17 point 3), on the settings page and in the service file: bad settings are
refused with a specific reason and change nothing; good ones publish and export back."""

import pytest

from townhall.accounts.models import User
from townhall.builder.exchange import ServiceFileInvalid, service_file_dump, service_file_load
from townhall.builder.models import ServiceDraft
from townhall.builder.selectors import service_export, service_file_data
from townhall.builder.services import service_data_import, service_import
from townhall.catalogue.models import Service
from townhall.desk.tests.factories import user_make
from townhall.desk.tests.test_builder_pages import _client, _publish, _settings
from townhall.integrations.models import PartnerEndpoint
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> dict[str, Service]:
    return demo_catalogue_with_processes()


@pytest.fixture
def designer_client():
    return _client(user_make(role=User.Role.DESIGNER, full_name="Dee Signer"))


OPEN311 = {
    "responsible": "Kent County Council",
    "method": "open311",
    "endpoint": "http://127.0.0.1:8030/open311/v2",
    "service_code": "POTHOLE",
    "jurisdiction_id": "kent.gov.uk",
    "api_key_secret": "KENT_OPEN311_API_KEY",
}


def _file_with(service: Service, hand_on) -> dict:
    data = service_file_load(service_export(service))
    data["hand_on"] = hand_on
    return data


def _refused(data: dict) -> list[str]:
    with pytest.raises(ServiceFileInvalid) as refused:
        service_data_import(data=data)
    return refused.value.reasons


@pytest.mark.parametrize(
    ("hand_on", "reason"),
    [
        (
            {**OPEN311, "method": "fax"},
            "/hand_on/method: unknown method 'fax'; use open311, email or link",
        ),
        (
            {k: v for k, v in OPEN311.items() if k != "endpoint"},
            "/hand_on/endpoint: missing; the open311 method needs it",
        ),
        (
            {**OPEN311, "endpoint": "https://169.254.169.254/open311"},
            "/hand_on/endpoint: address not allowed: 169.254.169.254 is a link-local address",
        ),
        (
            {**OPEN311, "api_key_secret": "sk_live_abc123"},
            "/hand_on/api_key_secret: the name of the secret",
        ),
        (
            {"responsible": "Kent County Council", "method": "email", "address": "not-an-email"},
            "/hand_on/address: 'not-an-email' is not an email address",
        ),
        (
            {"responsible": "", "method": "link", "url": "https://www.kent.gov.uk/"},
            "/hand_on/responsible: name the council responsible",
        ),
        (
            {"responsible": "Kent", "method": "email", "address": "a@kent.gov.uk", "url": "x"},
            "/hand_on/url: not used by the email method",
        ),
    ],
)
def test_bad_hand_on_settings_are_refused_with_the_reason_and_change_nothing(demo, hand_on, reason):
    service = demo["report-fly-tipping"]
    before = service_export(service)
    partners = list(PartnerEndpoint.objects.values_list("name", flat=True))
    reasons = _refused(_file_with(service, hand_on))
    assert any(r.startswith(reason) for r in reasons), reasons
    service.refresh_from_db()
    assert service_export(service) == before and not service.hand_on
    assert list(PartnerEndpoint.objects.values_list("name", flat=True)) == partners


def test_an_open311_hand_on_imports_exports_back_the_same_and_sets_up_the_county(demo):
    service = demo["report-fly-tipping"]
    PartnerEndpoint.objects.filter(name__startswith="county-").delete()
    text = service_file_dump(_file_with(service, OPEN311))
    imported = service_import(text=text)
    assert imported.hand_on == OPEN311
    assert service_export(imported) == text
    county = PartnerEndpoint.objects.get(name__startswith="county-")
    assert county.url == OPEN311["endpoint"] and county.title == "Kent County Council"
    # Again: nothing changes, no second partner.
    service_import(text=text)
    assert PartnerEndpoint.objects.filter(name__startswith="county-").count() == 1


def test_a_service_of_our_own_writes_no_hand_on_in_its_file(demo):
    assert "hand_on" not in service_export(demo["report-fly-tipping"])
    assert "hand_on" not in service_file_data(demo["report-fly-tipping"])


def test_the_settings_page_saves_a_hand_on_and_publishing_makes_it_live(demo, designer_client):
    service = demo["report-fly-tipping"]
    page = designer_client.get(f"/staff/services/{service.slug}/settings/").content.decode()
    assert "Council responsible" in page and "Hand each report on by Open311" in page
    posted = _settings(designer_client, service)
    posted.update({f"hand_on_{k}": v for k, v in OPEN311.items()})
    saved = designer_client.post(f"/staff/services/{service.slug}/settings/", posted)
    assert saved.status_code == 302
    assert ServiceDraft.objects.get(service=service).data["hand_on"] == OPEN311
    assert _publish(designer_client, service, "The county deals with these").status_code == 302
    service.refresh_from_db()
    assert service.hand_on == OPEN311
    # Shown again as saved.
    again = _settings(designer_client, service)
    assert again["hand_on_method"] == "open311" and again["hand_on_service_code"] == "POTHOLE"


def test_the_settings_page_refuses_a_bad_hand_on_on_its_field(demo, designer_client):
    service = demo["report-fly-tipping"]
    posted = _settings(designer_client, service)
    posted.update(
        hand_on_method="open311",
        hand_on_responsible="Kent County Council",
        hand_on_endpoint="https://10.0.0.5/open311",
        hand_on_service_code="POTHOLE",
    )
    refused = designer_client.post(f"/staff/services/{service.slug}/settings/", posted)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "There is a problem" in page
    assert "Enter the name of the secret holding their api key" in page
    posted["hand_on_api_key_secret"] = "KENT_OPEN311_API_KEY"
    refused = designer_client.post(f"/staff/services/{service.slug}/settings/", posted)
    assert refused.status_code == 400
    assert "10.0.0.5 is a private address" in refused.content.decode()
    assert not ServiceDraft.objects.filter(service=service, data__hand_on__isnull=False).exists()


def test_a_link_hand_on_needs_no_case_and_is_refused_a_case_method_on_a_checker(demo):
    checker = (
        next(s for s in Service.objects.filter(kind=Service.Kind.ELIGIBILITY) if s.form is not None)
        if Service.objects.filter(kind=Service.Kind.ELIGIBILITY).exists()
        else None
    )
    if checker is None:
        pytest.skip("the demo catalogue has no eligibility checker")
    reasons = _refused(
        _file_with(checker, {"responsible": "Kent", "method": "email", "address": "a@kent.gov.uk"})
    )
    assert any("makes no case to hand on; use link" in r for r in reasons), reasons
