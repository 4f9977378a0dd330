"""A resident reports something that is the county's (issue 17 point 3), over real HTTP: the
confirmation page and their request page in My Account say where it went and, once the county
answers, its reference; the desk shows the hand-on and whether it got through."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseHandOn
from townhall.desk.tests.factories import user_make
from townhall.integrations.models import OutboxMessage
from townhall.integrations.outbox.delivery import outbox_work
from townhall.portal.tests.fixtures import make_resident
from townhall.portal.tests.test_journey import service, walk_fly_tip  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0.01
    settings.OUTBOX_BACKOFF_CAP_SECONDS = 0.05


@pytest.fixture
def county_service(service, fake_county, monkeypatch):  # noqa: F811 (the fixture above)
    monkeypatch.setenv("KENT_OPEN311_API_KEY", fake_county.api_key)
    service.hand_on = {
        "responsible": "Kent County Council",
        "method": "open311",
        "endpoint": fake_county.endpoint,
        "service_code": "FLYTIP",
        "api_key_secret": "KENT_OPEN311_API_KEY",
    }
    service.save(update_fields=["hand_on"])
    return service


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_resident_is_told_where_it_went_and_then_the_countys_reference(
    client, county_service, fake_county
):
    resident = make_resident()
    client.force_login(resident)
    done = client.post(walk_fly_tip(client, county_service), follow=True)
    case = Case.objects.get()
    assert "we are passing your report to them" in text(done)
    assert "Kent County Council" in text(done)

    outbox_work(worker="t", threads=2, until_idle=True)

    reference = fake_county.stats()["requests"][0]["id"]
    page = client.get(reverse("portal:request_detail", args=[case.reference]))
    assert (
        f"Your report has been passed to Kent County Council. Their reference: {reference}"
        in text(page)
    )
    # Told by email too, with the reference.
    assert any(
        m.to == [resident.email] and reference in m.body and case.reference in m.subject
        for m in mail.outbox
    )


def test_the_desk_shows_the_hand_on_and_not_yet_passed_on_while_the_county_is_down(
    client, county_service, fake_county
):
    fake_county.control("down")
    client.post(walk_fly_tip(client, county_service))
    case = Case.objects.get()
    outbox_work(worker="t", threads=1, until_idle=True)
    officer = user_make(role=User.Role.OFFICER, departments=[case.department])
    desk = Client()
    desk.force_login(officer)

    page = text(desk.get(reverse("desk:case", args=[case.reference])))
    assert "Passed to Kent County Council" in page
    assert "Not yet passed on" in page and "HTTP 503" in page
    assert "Their reference Not yet given" in page

    fake_county.control("ok")
    OutboxMessage.objects.update(next_attempt_at=case.created_at)
    outbox_work(worker="t", threads=1, until_idle=True)
    hand_on = CaseHandOn.objects.get()
    page = text(desk.get(reverse("desk:case", args=[case.reference])))
    assert f"Their reference {hand_on.reference}" in page and "Passed on by Open311" in page


def test_an_email_hand_on_sends_the_answers_location_and_photo_links(client, service):  # noqa: F811
    service.hand_on = {
        "responsible": "Kent County Council",
        "method": "email",
        "address": "highways@kent.example.gov.uk",
    }
    service.save(update_fields=["hand_on"])
    done = client.post(walk_fly_tip(client, service), follow=True)
    case = Case.objects.get()
    assert "Your report has been passed to Kent County Council" in text(done)
    sent = [m for m in mail.outbox if m.to == ["highways@kent.example.gov.uk"]]
    assert len(sent) == 1
    body = sent[0].body
    assert case.reference in sent[0].subject
    assert "Black bags <b>behind</b> the shops" in body  # plain text, as typed
    assert "Latitude 51.146550" in body
    photo = case.attachments.get()
    link = re.search(r"http\S+/files/\d+/\?t=\S+", body).group(0)
    assert f"/files/{photo.pk}/" in link
    got = client.get(link.split("8000", 1)[-1])
    assert got.status_code == 200
    assert CaseHandOn.objects.get(case=case).status == CaseHandOn.Status.PASSED


def test_a_double_submission_hands_on_once(client, county_service, fake_county):
    check = walk_fly_tip(client, county_service)
    client.post(check)
    client.post(check)
    outbox_work(worker="t", threads=2, until_idle=True)
    assert Case.objects.count() == 1 and CaseHandOn.objects.count() == 1
    assert fake_county.stats()["posts"] == 1


def test_a_link_hand_on_sends_the_resident_to_the_county_and_makes_no_case(
    client,
    service,  # noqa: F811
):
    service.hand_on = {
        "responsible": "Kent County Council",
        "method": "link",
        "url": "https://www.kent.gov.uk/blue-badge",
    }
    service.save(update_fields=["hand_on"])
    page = client.get(reverse("portal:service_start", args=[service.slug]))
    assert "Kent County Council is responsible for this" in text(page)
    assert 'href="https://www.kent.gov.uk/blue-badge"' in page.content.decode()
    assert "Start now" not in text(page)
    begun = client.post(reverse("portal:form_begin", args=[service.slug]))
    assert begun["Location"] == reverse("portal:service_start", args=[service.slug])
    assert not Case.objects.exists()


def test_the_start_page_of_a_handed_on_service_says_who_is_responsible(client, county_service):
    page = client.get(reverse("portal:service_start", args=[county_service.slug]))
    assert "Kent County Council is responsible for this" in text(page)
    assert "Start now" in text(page)
