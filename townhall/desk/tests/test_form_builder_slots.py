"""The form builder and slot questions: the designer chooses which address question's area
offers the dates and which number counts the places (or one a booking), the definition
checks' reasons are shown on the inputs they are about and nothing is saved then; the
preview offers sample dates and checks the choice, holding no places."""

import pytest
from django.test import Client

from townhall.accounts.models import User
from townhall.bookings.models import Booking, Slot
from townhall.builder.drafts import service_draft
from townhall.builder.form_drafts import draft_definition
from townhall.desk.form_preview import _sample_slot_choices
from townhall.desk.tests.factories import service_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    return service_make(name="Book a visit")


@pytest.fixture
def client() -> Client:
    client = Client()
    client.force_login(user_make(role=User.Role.DESIGNER))
    return client


def _url(service, rest: str = "") -> str:
    return f"/staff/services/{service.slug}/form/{rest}"


def _revision(service) -> int:
    return service_draft(service).revision


def _page(client, service, title: str, label: str, answer_type: str, **extra) -> str:
    client.post(_url(service, "pages/new/"), {"title": title, "revision": _revision(service)})
    page_id = draft_definition(service_draft(service))["pages"][-1]["id"]
    r = client.post(
        _url(service, f"pages/{page_id}/questions/new/"),
        {"label": label, "answer_type": answer_type, "required": "on",
         "revision": _revision(service), **extra},
    )  # fmt: skip
    assert r.status_code == 302, r.content.decode()
    return page_id


def _fields(service) -> dict[str, dict]:
    definition = draft_definition(service_draft(service))
    return {f["name"]: f for page in definition["pages"] for f in page["fields"]}


def test_a_designer_chooses_the_address_and_the_number_a_slot_question_reads(client, service):
    _page(client, service, "Home", "Where do you live?", "address")
    _page(client, service, "Work", "Where do you work?", "address")
    _page(client, service, "Items", "How many items?", "number")
    client.post(_url(service, "pages/new/"), {"title": "Date", "revision": _revision(service)})
    form = client.get(_url(service, "pages/date/questions/new/")).content.decode()
    assert "The answer to: Where do you work?" in form and "One place a booking" in form
    assert "The answer to: How many items?" in form
    r = client.post(
        _url(service, "pages/date/questions/new/"),
        {"label": "Choose a date", "answer_type": "slot", "required": "on",
         "address_field": "where_do_you_work", "units_field": "how_many_items",
         "revision": _revision(service)},
    )  # fmt: skip
    assert r.status_code == 302
    slot = _fields(service)["choose_a_date"]
    assert (slot["address_field"], slot["units_field"]) == ("where_do_you_work", "how_many_items")
    page = client.get(_url(service, "questions/choose_a_date/")).content.decode()
    assert 'value="where_do_you_work" checked' in page
    # Back to one place a booking, and the first address before it.
    r = client.post(
        _url(service, "questions/choose_a_date/"),
        {"label": "Choose a date", "answer_type": "slot", "required": "on",
         "address_field": "", "units_field": "", "revision": _revision(service)},
    )  # fmt: skip
    assert r.status_code == 302
    slot = _fields(service)["choose_a_date"]
    assert "address_field" not in slot and "units_field" not in slot
    # The question of the first page is asked before no other: it offers none to choose.
    first = client.get(_url(service, "questions/where_do_you_live/")).content.decode()
    assert "The answer to:" not in first


def test_a_slot_question_without_an_address_before_it_is_refused_saying_why(client, service):
    _page(client, service, "Items", "How many items?", "number")
    before = draft_definition(service_draft(service))
    r = client.post(
        _url(service, "pages/items/questions/new/"),
        {"label": "Choose a date", "answer_type": "slot", "required": "on",
         "revision": _revision(service)},
    )  # fmt: skip
    html = r.content.decode()
    assert r.status_code == 400
    assert "needs an address question before it" in html and "govuk-error-summary" in html
    assert draft_definition(service_draft(service)) == before


def test_a_slot_question_may_read_only_questions_asked_before_it(client, service):
    _page(client, service, "Home", "Where do you live?", "address")
    _page(client, service, "Date", "Choose a date", "slot")
    _page(client, service, "Later", "How many items?", "number")
    r = client.post(
        _url(service, "questions/choose_a_date/"),
        {"label": "Choose a date", "answer_type": "slot", "required": "on",
         "units_field": "how_many_items", "revision": _revision(service)},
    )  # fmt: skip
    assert "Select a number question asked before this one" in r.content.decode()
    assert "units_field" not in _fields(service)["choose_a_date"]


def test_another_answer_type_drops_what_a_slot_question_read(client, service):
    _page(client, service, "Home", "Where do you live?", "address")
    _page(client, service, "Date", "Choose a date", "slot", address_field="where_do_you_live")
    assert _fields(service)["choose_a_date"]["address_field"] == "where_do_you_live"
    client.post(
        _url(service, "questions/choose_a_date/"),
        {"label": "Choose a date", "answer_type": "date", "address_field": "where_do_you_live",
         "revision": _revision(service)},
    )  # fmt: skip
    assert "address_field" not in _fields(service)["choose_a_date"]


def test_the_preview_offers_sample_dates_checks_the_choice_and_holds_nothing(client, service):
    _page(client, service, "Home", "Where do you live?", "address", required="")
    date_page = _page(client, service, "Date", "Choose a date", "slot")
    frame = _url(service, "preview/frame/")
    home = client.get(frame, {"page": "home", "action": "continue"})  # no address: optional
    assert f"page={date_page}" in home["Location"]
    page = client.get(home["Location"])
    answers, shown = page.context["answers"], page.content.decode()
    samples = _sample_slot_choices()
    assert samples[0]["label"] in shown and "Fully booked" in shown
    assert "We cannot book a date" not in shown
    missing = client.get(frame, {"page": date_page, "action": "continue"}).content.decode()
    assert "Select choose a date" in missing
    full = next(c for c in samples if c["disabled"])
    refused = client.get(
        frame, {"page": date_page, "action": "continue", "choose_a_date": full["value"]}
    )
    assert f"{full['label']} is fully booked" in refused.content.decode()
    made_up = client.get(frame, {"page": date_page, "action": "continue", "choose_a_date": "x"})
    assert "Select one of the dates shown" in made_up.content.decode()
    chosen = client.get(
        frame,
        {"page": date_page, "action": "continue", "choose_a_date": samples[0]["value"],
         "answers": answers},
    )  # fmt: skip
    assert chosen.status_code == 302 and "page=check" in chosen["Location"]
    check = client.get(chosen["Location"]).content.decode()
    assert f"{samples[0]['label']} (sample area)" in check
    assert not Slot.objects.exists() and not Booking.objects.exists()
