"""Check answers shows the fee the service's rules work out from the current answers (its
lines and "Fee to pay"), worked out again after an answer is changed, in the portal and at
the contact centre's desk; a service with a flat fee shows that."""

import re

import pytest
from django.urls import reverse

from townhall.accounts.models import User
from townhall.core.tests.browser import PHONE, new_page
from townhall.eforms.models import FormSession
from townhall.portal.tests.fixtures import make_resident, make_service

pytestmark = pytest.mark.django_db

BINS_FORM = {
    "title": "Garden bins",
    "pages": [
        {
            "id": "bins",
            "fields": [
                {"name": "bins", "type": "number", "label": "How many bins?", "integer": True,
                 "required": True, "min": 1, "max": 4},
            ],
        },
        {
            "id": "concession",
            "fields": [
                {"name": "concession", "type": "yesno", "label": "Do you get a concession?",
                 "required": True},
            ],
        },
    ],
}  # fmt: skip
RULES = [
    {"kind": "per_item", "label": "Brown bins, £52 each", "label_cy": "Biniau brown",
     "field": "bins", "pence": 5200},
    {"kind": "discount", "label": "Concession, half price", "percent": 50,
     "when": {"field": "concession", "op": "eq", "value": "yes"}},
]  # fmt: skip


@pytest.fixture
def service():
    service = make_service(definition=BINS_FORM, slug="garden-bins", name="Garden bins")
    service.fee_rules = RULES
    service.save(update_fields=["fee_rules"])
    return service


def _answered(client, service, *, bins: str, concession: str) -> str:
    started = client.post(reverse("portal:form_begin", args=[service.slug]))
    session_id = re.search(r"/([0-9a-f-]{36})/", started["Location"]).group(1)
    client.post(started["Location"], {"bins": bins})
    done = client.post(
        reverse("portal:form_page", args=[service.slug, session_id, "concession"]),
        {"concession": concession},
    )
    assert done["Location"].endswith("/check/")
    return done["Location"]


def _fee_text(content: bytes, heading: str = "Fee", then: str = "Now send") -> str:
    html = content.decode()
    start = html.index(f'<h2 class="govuk-heading-m">{heading}</h2>')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start : html.index(then)]).split())


def test_check_answers_shows_the_lines_and_the_fee_to_pay(client, service):
    client.force_login(make_resident())
    check = _answered(client, service, bins="3", concession="yes")
    page = client.get(check)
    assert _fee_text(page.content) == (
        "Fee Brown bins, £52 each £156 Concession, half price minus £78 Fee to pay: £78"
    )


def test_the_fee_is_worked_out_again_when_an_answer_changes(client, service):
    client.force_login(make_resident())
    check = _answered(client, service, bins="1", concession="yes")
    assert "Fee to pay: £26" in _fee_text(client.get(check).content)
    session = FormSession.objects.get()
    changed = client.post(
        reverse("portal:form_page", args=[service.slug, session.pk, "concession"]) + "?change=1",
        {"concession": "no"},
    )
    assert changed["Location"] == check
    assert _fee_text(client.get(check).content) == ("Fee Brown bins, £52 each £52 Fee to pay: £52")
    client.post(check)
    assert session.__class__.objects.get().submission.fee_pence == 5200


def test_check_answers_in_welsh_shows_the_welsh_labels_there_are_and_english_for_the_rest(
    client, service
):
    client.force_login(make_resident())
    check = _answered(client, service, bins="2", concession="yes")
    page = client.get(check, HTTP_ACCEPT_LANGUAGE="cy")
    text = _fee_text(page.content, heading="Ffi", then="Nawr anfonwch")
    assert "Biniau brown £104" in text and "Concession, half price llai £52" in text
    assert "Ffi i’w thalu: £52" in text


def test_a_flat_fee_shows_as_the_fee_to_pay_and_a_free_service_shows_none(client):
    flat = make_service(definition=BINS_FORM, slug="flat-bins", name="Flat bins", prefix="FB")
    flat.fee_pence = 3500
    flat.save(update_fields=["fee_pence"])
    client.force_login(make_resident())
    check = _answered(client, flat, bins="2", concession="no")
    assert _fee_text(client.get(check).content) == "Fee Fee to pay: £35"

    free = make_service(definition=BINS_FORM, slug="free-bins", name="Free bins", prefix="XB")
    check = _answered(client, free, bins="2", concession="no")
    assert b"Fee to pay" not in client.get(check).content


def test_the_contact_centre_sees_the_same_fee_on_its_check_answers(client, service):
    agent = User.objects.create_user("agent@example.gov.uk", "Agent-pass-1", role="agent")
    client.force_login(agent)
    # The desk's own form pages: begin a session for a caller and answer it.
    raised = client.post(
        reverse("desk:contact:raise"), {"service": service.slug, "channel": "phone"}
    )
    assert raised.status_code == 302, raised.content[:500]
    session = FormSession.objects.get()
    for page_id, values in (("bins", {"bins": "4"}), ("concession", {"concession": "no"})):
        client.post(
            reverse("desk:contact:form_page", args=[service.slug, session.pk, page_id]), values
        )
    page = client.get(reverse("desk:contact:form_check", args=[service.slug, session.pk]))
    assert "Brown bins, £52 each £208 Fee to pay: £208" in _fee_text(page.content)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_check_answers_with_a_fee_passes_axe_on_a_phone(live_server, browser, service):
    checked = new_page(browser, viewport=PHONE)
    page = checked.page
    page.goto(f"{live_server.url}/services/{service.slug}/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("How many bins?").fill("2")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/check/")
    checked.check("check answers with a fee")
    assert page.locator("[data-fee-total]").inner_text() == "Fee to pay: £52"
