"""The four kinds of service on the portal: an information service is its advice page; an
eligibility checker ends on an outcome page keeping nothing but a count; an internal service
is never shown to residents; a request service's form may end on an outcome too (no case)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from townhall.builder.services import service_import
from townhall.cases.models import Case
from townhall.catalogue.models import Service
from townhall.core.models import AuditEvent
from townhall.demo.council import DEMO_SERVICES_DIR
from townhall.eforms.models import FormSession, OutcomeCount, Submission
from townhall.eforms.services import form_version_publish
from townhall.portal.tests.fixtures import make_resident, make_service

pytestmark = pytest.mark.django_db

CHECKER = "check-if-you-can-get-an-assisted-bin-collection"
INFORMATION = "what-goes-in-which-bin"
INTERNAL = "internal-insurance-claim"


def _import(slug: str) -> Service:
    service = service_import(text=(DEMO_SERVICES_DIR / f"{slug}.yaml").read_text("utf-8"))
    cache.clear()  # the catalogue's cached lists
    return service


@pytest.fixture
def checker() -> Service:
    return _import(CHECKER)


def _begin(client, service: Service) -> str:
    response = client.post(reverse("portal:form_begin", args=[service.slug]))
    assert response.status_code == 302, response.status_code
    return response["Location"]


def _answer(client, url: str, data: dict) -> str:
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    return response["Location"]


def test_an_information_service_start_page_is_its_advice_with_no_form(client):
    service = _import(INFORMATION)
    page = client.get(reverse("portal:service_start", args=[service.slug]))
    text = page.content.decode()
    assert page.status_code == 200 and "data-information" in text
    assert "Green bin (recycling)" in text and "Food caddy" in text
    assert "Start now" not in text and "<form" not in text.split("<main")[1].split("</main>")[0]
    begin = client.post(reverse("portal:form_begin", args=[service.slug]))
    assert begin.status_code == 404
    assert not FormSession.objects.exists() and not Case.objects.exists()


def test_an_information_pages_links_and_lists_are_govuk_markup_and_html_is_shown_as_typed(
    client,
):
    service = _import(INFORMATION)
    service.description = (
        "## Before you put it out\n- rinse tins\n- flatten boxes\n"
        "See [recycling on GOV.UK](https://www.gov.uk/recycling-collections).\n"
        '<script>alert("x")</script>'
    )
    service.save()
    cache.clear()

    text = client.get(reverse("portal:service_start", args=[service.slug])).content.decode()

    main = text.split("<main")[1].split("</main>")[0]
    assert '<h2 class="govuk-heading-m">Before you put it out</h2>' in main
    assert '<ul class="govuk-list govuk-list--bullet">\n<li>rinse tins</li>' in main
    assert (
        '<a href="https://www.gov.uk/recycling-collections" class="govuk-link">'
        "recycling on GOV.UK</a>" in main
    )
    assert "<script>alert" not in main and "&lt;script&gt;" in main


def test_the_a_to_z_and_search_list_information_and_eligibility_but_never_internal(client):
    for slug in (INFORMATION, CHECKER, INTERNAL):
        _import(slug)
    service_list = client.get(reverse("portal:services")).content.decode()
    assert "What goes in which bin" in service_list
    assert "Check if you can get an assisted bin collection" in service_list
    assert "Internal insurance claim" not in service_list
    found = client.get(reverse("portal:services"), {"q": "recycling"}).content.decode()
    assert "What goes in which bin" in found
    found = client.get(reverse("portal:services"), {"q": "assisted bins"}).content.decode()
    assert "Check if you can get an assisted bin collection" in found
    found = client.get(reverse("portal:services"), {"q": "insurance claim"}).content.decode()
    assert "0 services found" in found and "Internal insurance claim" not in found


def test_an_internal_service_is_hidden_from_residents_even_by_its_address(client):
    service = _import(INTERNAL)
    assert service.kind == Service.Kind.INTERNAL and service.audience == Service.Audience.STAFF
    assert client.get(reverse("portal:service_start", args=[service.slug])).status_code == 404
    assert client.post(reverse("portal:form_begin", args=[service.slug])).status_code == 404


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ([{"can_move_bins": "no"}, {"someone_else": "no"}, {"reason": "health"}], "can-apply"),
        ([{"can_move_bins": "no"}, {"someone_else": "no"}, {"reason": "other"}], "not-eligible"),
        ([{"can_move_bins": "no"}, {"someone_else": "yes"}], "not-eligible"),
        ([{"can_move_bins": "yes"}], "not-eligible"),
    ],
)
def test_an_eligibility_checker_ends_on_its_outcome_keeping_only_a_count(
    client, checker, answers, outcome
):
    start = client.get(reverse("portal:service_start", args=[checker.slug])).content.decode()
    assert "Start now" in start and "we do not keep your answers" in start
    url = _begin(client, checker)
    for page_answers in answers:
        assert FormSession.objects.get().answers is not None  # only while the journey lasts
        url = _answer(client, url, page_answers)
    assert url == reverse("portal:service_outcome", args=[checker.slug, outcome])
    # Nothing the person answered is kept: no session, no submission, no case.
    assert not FormSession.objects.exists()
    assert not Submission.objects.exists() and not Case.objects.exists()
    count = OutcomeCount.objects.get()
    assert (count.service, count.outcome, count.day) == (checker, outcome, timezone.localdate())
    assert count.count == 1
    deleted = AuditEvent.objects.get(object_type="form_session", action="delete")
    assert deleted.detail == {"service": checker.slug, "outcome": outcome}

    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and f'data-outcome="{outcome}"' in text
    assert "What to do next" in text and "We have not kept your answers." in text
    # Showing the page again counts nothing more.
    client.get(url)
    assert OutcomeCount.objects.get().count == 1


def test_each_journey_to_an_outcome_adds_one_to_that_days_count(client, checker):
    for _ in range(3):
        _answer(client, _begin(client, checker), {"can_move_bins": "yes"})
    assert OutcomeCount.objects.get(outcome="not-eligible").count == 3


def test_a_signed_in_residents_checker_session_is_not_theirs_and_cannot_be_saved(client, checker):
    resident = make_resident()
    client.force_login(resident)
    url = _begin(client, checker)
    session = FormSession.objects.get()
    assert session.user_id is None
    assert b'value="save"' not in client.get(url).content
    _answer(client, url, {"can_move_bins": "no", "action": "save"})
    assert not FormSession.objects.get().saved_for_later


def test_an_eligibility_checker_has_no_check_answers_page(client, checker):
    url = _begin(client, checker)
    session_id = re.search(r"/([0-9a-f-]{36})/", url).group(1)
    check = reverse("portal:form_check", args=[checker.slug, session_id])
    assert client.get(check).status_code == 404
    assert client.post(check).status_code == 404
    assert not Submission.objects.exists()


def test_an_unknown_outcome_page_is_not_found(client, checker):
    url = reverse("portal:service_outcome", args=[checker.slug, "no-such-outcome"])
    assert client.get(url).status_code == 404


def test_a_request_form_can_end_on_an_outcome_without_a_case(client):
    service = make_service()
    definition = {
        "title": "Report a dead animal",
        "pages": [
            {
                "id": "where",
                "fields": [
                    {
                        "name": "motorway",
                        "type": "yesno",
                        "label": "Is it on a motorway?",
                        "required": True,
                    }
                ],
                "next": [
                    {"when": {"field": "motorway", "op": "eq", "value": "yes"}, "outcome": "nh"}
                ],
            },
            {
                "id": "what",
                "fields": [{"name": "what", "type": "text", "label": "What animal?"}],
            },
        ],
        "outcomes": [
            {
                "id": "nh",
                "title": "This is not something we deal with",
                "title_cy": "Nid yw hyn yn rhywbeth rydym yn delio ag ef",
                "body": ["National Highways clears motorways."],
                "next_steps": [
                    {"text": "Contact National Highways", "href": "https://nationalhighways.co.uk/"}
                ],
            }
        ],
    }
    version = form_version_publish(slug=service.form.slug, name="x", definition=definition)
    assert version.form_id == service.form_id
    cache.clear()
    url = _answer(client, _begin(client, service), {"motorway": "yes"})
    assert url == reverse("portal:service_outcome", args=[service.slug, "nh"])
    assert not Case.objects.exists() and not FormSession.objects.exists()
    page = client.get(url).content.decode()
    assert "This is not something we deal with" in page
    assert 'href="https://nationalhighways.co.uk/"' in page
    # The designer's Welsh, when the page is in Welsh.
    client.cookies["django_language"] = "cy"
    welsh = client.get(url, HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Nid yw hyn yn rhywbeth rydym yn delio ag ef" in welsh
