"""The settings page's Permit section (issue 19): a designer sets the permit rules without
a developer; bad rules are refused on their field and change nothing; publishing makes them
the service's scheme."""

import pytest

from townhall.accounts.models import User
from townhall.builder.models import ServiceDraft
from townhall.catalogue.models import Service
from townhall.desk.tests.factories import user_make
from townhall.desk.tests.test_builder_pages import _client, _publish, _settings
from townhall.permits.models import PermitScheme
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db
GARDEN = "subscribe-to-garden-waste-collection"


@pytest.fixture
def demo() -> dict[str, Service]:
    return demo_catalogue_with_processes()


@pytest.fixture
def designer_client():
    return _client(user_make(role=User.Role.DESIGNER, full_name="Dee Signer"))


def _url(slug: str) -> str:
    return f"/staff/services/{slug}/settings/"


def test_the_garden_waste_rules_are_shown_changed_and_published(demo, designer_client):
    service = demo[GARDEN]
    page = designer_client.get(_url(GARDEN)).content.decode()
    assert '<h2 class="govuk-heading-m" id="permit">Permit</h2>' in page
    assert 'name="permit_number_prefix" type="text" value="GWP"' in page
    assert 'name="permit_refund_admin_fee" type="text" value="10.00"' in page
    posted = _settings(designer_client, service)
    assert posted["permit_sells"] == "yes"
    posted.update(
        permit_refund_admin_fee="7.50",
        permit_period_start="fixed",
        permit_year_start_day="1",
        permit_year_start_month="4",
        permit_refund_none_last_months="1",
    )

    saved = designer_client.post(_url(GARDEN), posted)

    assert saved.status_code == 302
    rules = ServiceDraft.objects.get(service=service).data["permit"]
    assert (rules["refund_admin_fee_pence"], rules["period_start"]) == (750, "fixed")
    assert PermitScheme.objects.get(service=service).refund_admin_fee_pence == 1000  # a draft
    assert _publish(designer_client, service, "Council year from April").status_code == 302
    scheme = PermitScheme.objects.get(service=service)
    assert (scheme.refund_admin_fee_pence, scheme.period_start) == (750, "fixed")
    assert (scheme.year_start_month, scheme.refund_none_last_months) == (4, 1)
    assert scheme.number_prefix == "GWP" and scheme.garden_waste


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"permit_refund_admin_fee": "-5"}, "The refund rule&#x27;s admin fee must be 0 or more"),
        ({"permit_refund_admin_fee": "five"}, "Enter the admin fee in pounds, like 10.00"),
        ({"permit_number_prefix": "gw-1"}, "The permit number prefix must be 2 to 4 capital"),
        ({"permit_number_prefix": "GW"}, "is also the service&#x27;s reference prefix"),
        ({"permit_number_prefix": ""}, "Enter the permit number prefix, like GWP"),
        ({"permit_reminder_days_before": "400"}, "The renewal reminder must be sent within"),
        ({"permit_period_months": "twelve"}, "Enter a whole number for"),
        (
            {
                "permit_period_start": "fixed",
                "permit_year_start_day": "31",
                "permit_year_start_month": "4",
            },
            "The council&#x27;s year cannot start on day 31 of month 4",
        ),
        ({"permit_address_field": ""}, "Enter the question giving the address"),
    ],
)
def test_bad_permit_rules_are_refused_on_their_field_and_save_nothing(
    demo, designer_client, changes, message
):
    service = demo[GARDEN]
    posted = _settings(designer_client, service)
    posted.update(changes)

    refused = designer_client.post(_url(GARDEN), posted)

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "There is a problem" in page
    assert message in page, page[page.find("govuk-error-summary") :][:2000]
    assert not ServiceDraft.objects.filter(service=service).exists()


def test_a_service_starts_selling_permits_from_the_settings_page(demo, designer_client):
    service = demo["report-fly-tipping"]
    posted = _settings(designer_client, service)
    assert posted["permit_sells"] == "no"
    posted.update(permit_sells="yes", permit_number_prefix="FTP")
    assert designer_client.post(_url(service.slug), posted).status_code == 302
    # Its form asks no "bins": publishing lists that, and the rules stay in the draft.
    page = designer_client.get(f"/staff/services/{service.slug}/publish/").content.decode()
    assert "/permit/quantity_field: the scheme reads how many from the answer" in page.replace(
        "&#x27;", "'"
    )
    assert not PermitScheme.objects.filter(service=service).exists()


def test_saying_no_stops_the_service_selling_permits_when_published(demo, designer_client):
    service = demo[GARDEN]
    posted = _settings(designer_client, service)
    posted["permit_sells"] = "no"
    assert designer_client.post(_url(GARDEN), posted).status_code == 302
    assert ServiceDraft.objects.get(service=service).data["permit"] is None
    assert _publish(designer_client, service, "No more permits").status_code == 302
    assert not PermitScheme.objects.filter(service=service).exists()


def test_a_service_that_never_sold_permits_keeps_its_file_as_it_was(demo, designer_client):
    service = demo["report-fly-tipping"]
    posted = _settings(designer_client, service)
    assert designer_client.post(_url(service.slug), posted).status_code == 302
    assert "permit" not in ServiceDraft.objects.get(service=service).data
