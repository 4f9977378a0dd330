"""The contact centre and the four kinds of service: the service finder finds all four; an
internal service is raised for a caller like any request; an eligibility checker walked with
a caller ends on the desk's outcome page and keeps nothing; managers see outcome counts."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from townhall.accounts.models import Department, User
from townhall.builder.services import service_import
from townhall.cases.models import Case
from townhall.catalogue.models import Service
from townhall.demo.council import DEMO_SERVICES_DIR
from townhall.desk.contact.tests.conftest import client_for
from townhall.desk.tests.factories import department_make, user_make
from townhall.eforms.models import FormSession, OutcomeCount
from townhall.portal.tests.fixtures import make_service

pytestmark = pytest.mark.django_db

CHECKER = "check-if-you-can-get-an-assisted-bin-collection"
INTERNAL_FORM = {
    "title": "Record a call-back request",
    "summary_field": "topic",
    "pages": [
        {
            "id": "topic",
            "fields": [
                {"name": "topic", "type": "text", "label": "What is it about?", "required": True}
            ],
        }
    ],
}


def _import(slug: str) -> Service:
    service = service_import(text=(DEMO_SERVICES_DIR / f"{slug}.yaml").read_text("utf-8"))
    cache.clear()
    return service


@pytest.fixture
def kinds(missed_bin) -> dict[str, Service]:
    internal = make_service(
        INTERNAL_FORM, slug="internal-call-back", name="Call back", prefix="ICB"
    )
    # The demo files' department is the fixtures' Waste and street scene, by the demo's slug.
    Department.objects.filter(pk=missed_bin.department_id).update(slug="waste-and-street-scene")
    Service.objects.filter(pk=internal.pk).update(
        kind=Service.Kind.INTERNAL, audience=Service.Audience.STAFF
    )
    return {
        "request": missed_bin,
        "internal": Service.objects.get(pk=internal.pk),
        "information": _import("what-goes-in-which-bin"),
        "eligibility": _import(CHECKER),
    }


def test_the_service_finder_finds_all_four_kinds(agent, kinds):
    client = client_for(agent)
    listed = client.get("/staff/contact/services/").content.decode()
    for service in kinds.values():
        assert f'data-service="{service.slug}"' in listed, service.slug
    found = client.get("/staff/contact/services/", {"q": "recycling"}).content.decode()
    assert 'data-service="what-goes-in-which-bin"' in found
    assert f'data-service="{CHECKER}"' not in found
    assert 'href="/staff/contact/services/what-goes-in-which-bin/"' in found
    advice = client.get("/staff/contact/services/what-goes-in-which-bin/").content.decode()
    assert "Green bin (recycling)" in advice
    # Only an information service has advice to read out.
    assert client.get(f"/staff/contact/services/{CHECKER}/").status_code == 404


def test_the_service_finder_is_for_staff_only(caller, kinds):
    assert client_for(caller).get("/staff/contact/services/").status_code == 403


def test_an_internal_service_is_raised_for_a_caller_like_a_request(agent, caller, kinds):
    client = client_for(agent)
    raise_url = f"/staff/contact/people/{caller.pk}/raise/"
    options = client.get(raise_url, {"service": "internal-call-back"}).content.decode()
    assert '<option value="internal-call-back" selected>' in options
    assert 'value="what-goes-in-which-bin"' not in options  # no form to fill
    response = client.post(raise_url, {"service": "internal-call-back", "channel": "phone"})
    response = client.post(response["Location"], {"topic": "Council tax bill"})
    assert response["Location"].endswith("/check/")
    client.post(response["Location"])
    case = Case.objects.get()
    assert (case.service, case.resident, case.raised_by) == (kinds["internal"], caller, agent)


def test_an_eligibility_checker_walked_with_a_caller_ends_on_the_desks_outcome_page(
    agent, caller, kinds
):
    client = client_for(agent)
    response = client.post(
        f"/staff/contact/people/{caller.pk}/raise/", {"service": CHECKER, "channel": "phone"}
    )
    assert FormSession.objects.get().user is None  # the caller's answers are nobody's
    response = client.post(response["Location"], {"can_move_bins": "yes"})
    assert response["Location"] == f"/staff/contact/raise/{CHECKER}/outcomes/not-eligible/"
    assert not FormSession.objects.exists() and not Case.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "You cannot get an assisted bin collection" in page
    assert OutcomeCount.objects.get().count == 1


def test_managers_see_each_outcome_counted_on_the_figures_page(kinds):
    eligibility = kinds["eligibility"]
    OutcomeCount.objects.create(service=eligibility, outcome="can-apply", day=_today(), count=4)
    OutcomeCount.objects.create(service=eligibility, outcome="not-eligible", day=_today(), count=9)
    manager = user_make(role=User.Role.MANAGER, departments=[eligibility.department])
    page = client_for(manager).get("/staff/figures/").content.decode()
    table = page.split("data-outcomes")[1].split("</table>")[0]
    assert "You cannot get an assisted bin collection" in table and ">9<" in table
    assert "You can apply for an assisted bin collection" in table and ">4<" in table
    assert table.index(">9<") < table.index(">4<")  # the most shown first
    # Another department's manager sees none of them.
    other = user_make(role=User.Role.MANAGER, departments=[department_make("Housing")])
    assert "data-outcomes" not in client_for(other).get("/staff/figures/").content.decode()


def _today():
    return timezone.localdate()
