"""The demo council's public services and the first starters carry their Welsh (issue 20 point
3): each one's start page, every page of its form (every branch, walked as residents answer
it), its check answers and confirmation pages and every outcome page, rendered in Welsh, show
no text of the English render, except names and numbers that read the same in both languages
and the walk's own answers; and its own messages to residents are in Welsh too."""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from django.conf import settings
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from townhall.builder.services import service_data_import
from townhall.cases.models import Case, CaseEvent
from townhall.cases.notifications import notification_render
from townhall.catalogue.models import Service
from townhall.catalogue.tests.test_walk_every_service import (
    _lookup_finds,
    _lookups_find_as_planned,
    _place,
    _slots_resolved,
)
from townhall.catalogue.tests.walk import TEXT_ANSWER, form_routes, post_data
from townhall.demo.bookings import demo_booking_slots_load
from townhall.demo.council import demo_service_data
from townhall.demo.loader import demo_gazetteer_load, demo_services_load
from townhall.eforms.definition import CHECK_ANSWERS
from townhall.eforms.engine import OUTCOME_REACHED
from townhall.eforms.services import (
    form_flow,
    form_page_submit,
    form_session_start,
    submission_submit,
)
from townhall.portal.journey import GUEST_SESSIONS_KEY

pytestmark = pytest.mark.django_db

# The services whose files carry their Welsh (the demo's public ones and the first starters).
WELSH_SERVICES = [
    "report-fly-tipping",
    "report-a-missed-bin-collection",
    "subscribe-to-garden-waste-collection",
    "book-a-bulky-waste-collection",
    "what-goes-in-which-bin",
    "apply-to-rent-a-garage",
    "check-if-you-can-get-an-assisted-bin-collection",
    "make-a-complaint",
    "make-a-freedom-of-information-request",
    "make-a-subject-access-request",
    "report-a-dead-animal",
    "report-a-pothole-or-road-defect",
    "report-an-abandoned-vehicle",
    "report-graffiti",
    "request-a-call-back",
    "apply-for-a-blue-badge",
    "apply-for-a-resident-parking-permit",
    "apply-for-a-single-person-discount",
    "apply-for-a-street-trading-licence",
    "apply-for-a-taxi-or-private-hire-driver-licence",
    "apply-for-an-assisted-bin-collection",
    "apply-for-free-school-meals",
    "ask-for-a-review-of-your-complaint",
    "benefits-report-a-change-in-circumstances",
]
# Texts that read the same in Welsh: names of places, makes of car, units, bodies' initials.
SAME_IN_WELSH = {
    "Abbey Gardens",
    "Beech Grove",
    "Millers Way",
    "Pippin Way",
    "Hillcrest Drive",
    "cm",
    "Ford Focus",
}
# A case's reference ("FT-2026-000123"), on the confirmation page.
REFERENCE = re.compile(r"[A-Z]+-\d{4}-\d{6}")


def _texts(html: str) -> set[str]:
    """The visible texts of a page's main part, each whitespace-normalised; those with words."""
    main = lxml.html.fromstring(html).xpath("//main")
    assert main, "no <main> on the page"
    for element in main[0].xpath(".//script | .//style"):
        element.drop_tree()
    found = {" ".join(text.split()) for text in main[0].xpath(".//text()")}
    return {text for text in found if re.search(r"[A-Za-z]{2}", text)}


def _answers_given(value: Any) -> set[str]:
    """Every text the walk's answers hold (a pin's description, an address's text...)."""
    if isinstance(value, dict):
        return set().union(*(_answers_given(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_answers_given(v) for v in value))
    return {value} if isinstance(value, str) else set()


def _answer(text: str, given: set[str]) -> bool:
    """What the walk answered, as the check page shows it (a resident's own words stay as
    they were written): its words, cut to a question's length, and its stored texts."""
    return text in TEXT_ANSWER or any(answer.startswith(text) for answer in given)


def _clients() -> tuple[Client, Client]:
    english, welsh = Client(), Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    welsh.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    return english, welsh


def _english_left(english: Client, welsh: Client, url: str) -> set[str]:
    """Texts of the Welsh render of `url` that are word for word in its English render."""
    pages = []
    for client in (english, welsh):
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        pages.append(response.content.decode())
    assert '<html lang="en' in pages[0] and '<html lang="cy"' in pages[1], url
    same = (_texts(pages[1]) & _texts(pages[0])) - SAME_IN_WELSH
    return {text for text in same if not REFERENCE.fullmatch(text)}


def _let_in(clients: tuple[Client, Client], session_id: str) -> None:
    """Both browsers may see this guest's form (as the one that started it would)."""
    for client in clients:
        browser = client.session
        browser[GUEST_SESSIONS_KEY] = [*browser.get(GUEST_SESSIONS_KEY, []), session_id]
        browser.save()


def _pages_in_both(
    service: Service, clients: tuple[Client, Client]
) -> Iterator[tuple[str, set[str]]]:
    """(URL, English left) for every form page, the check page, the confirmation (or pay)
    page and each outcome page, once each, walking every route of the form with valid
    answers."""
    version = service.form.live_version() if service.form else None
    assert version is not None, f"{service.slug}: no published form"
    shown: set[str] = set()
    for route in form_routes(version.definition, ask_contact=True, place=_place()):
        session = form_session_start(service=service)
        _let_in(clients, str(session.pk))
        flow = form_flow(session)
        for page_id, given in route.steps:
            page = flow.page(page_id)
            assert page is not None, page_id
            if page_id not in shown:
                shown.add(page_id)
                url = reverse("portal:form_page", args=[service.slug, session.pk, page_id])
                yield url, _english_left(*clients, url)
            data, files = post_data(page.fields, _slots_resolved(session, page.fields, given))
            with _lookup_finds(page.lookup, given):
                outcome = form_page_submit(session=session, page_id=page_id, data=data, files=files)
            assert outcome.ok, f"{service.slug} {page_id}: {outcome.errors}"
        if route.end == CHECK_ANSWERS and CHECK_ANSWERS not in shown:
            shown.add(CHECK_ANSWERS)
            url = reverse("portal:form_check", args=[service.slug, session.pk])
            stored = _answers_given(session.answers)
            yield url, {t for t in _english_left(*clients, url) if not _answer(t, stored)}
            # Sent: the confirmation (or, for a fee, the pay page) in both languages.
            with _lookups_find_as_planned(session, route):
                submission_submit(session=session)
            url = reverse("portal:form_done", args=[service.slug, session.pk])
            yield url, {t for t in _english_left(*clients, url) if not _answer(t, stored)}
        if route.end == OUTCOME_REACHED and route.outcome not in shown:
            shown.add(route.outcome)
            url = reverse("portal:service_outcome", args=[service.slug, route.outcome])
            yield url, _english_left(*clients, url)


@pytest.fixture
def catalogue() -> dict[str, Service]:
    demo_gazetteer_load()
    demo_services_load()
    demo_booking_slots_load()  # bulky waste offers its collection dates
    return {s.slug: s for s in Service.objects.select_related("form")}


def test_each_welsh_service_shows_no_english_on_its_start_form_and_outcome_pages(catalogue):
    clients = _clients()
    left: dict[str, set[str]] = {}
    pages = 0
    for slug in WELSH_SERVICES:
        service = catalogue[slug]
        start = reverse("portal:service_start", args=[slug])
        found = {start: _english_left(*clients, start)}
        if service.kind != Service.Kind.INFORMATION:
            found.update(_pages_in_both(service, clients))
        pages += len(found)
        left.update({url: texts for url, texts in found.items() if texts})
    assert pages > 150  # every page of 24 services was seen, not a few
    assert left == {}, "\n".join(f"{url}: {sorted(texts)}" for url, texts in left.items())


def test_the_comparison_finds_a_form_text_left_in_english(catalogue):
    """A file whose first question lost its Welsh: the label shows in English in the Welsh
    render, and the comparison finds it."""
    data = demo_service_data("report-fly-tipping")
    field = data["form"]["definition"]["pages"][0]["fields"][0]
    field.pop("label_cy")
    service = service_data_import(data=data)
    live = service.form.live_version() if service.form else None
    assert live is not None and live.definition["pages"][0]["fields"][0] == field
    url, left = next(_pages_in_both(service, _clients()))
    assert left == {field["label"]}, url


def test_a_welsh_resident_gets_each_services_own_message_in_welsh(catalogue):
    """A service with a message of its own in English has it in Welsh too: a Welsh speaker
    gets that one (not the general Welsh one), with nothing of the English in it."""
    root = Path(settings.TEMPLATES[0]["DIRS"][0]) / "notifications"
    english = sorted(
        path
        for slug in WELSH_SERVICES
        for path in (root / slug).glob("*.txt")
        if not path.name.endswith(".cy.txt")
    )
    assert len(english) >= 15
    assert [p for p in english if not p.with_name(p.stem + ".cy.txt").exists()] == []
    for path in english:
        if path.stem != CaseEvent.Kind.CREATED:
            continue
        # Rendering reads no rows: a case as it would be, in Welsh, not sent anywhere.
        case = Case(
            service=catalogue[path.parent.name],
            reference="AB-2026-000001",
            contact_name="Rhys Jones",
            language="cy",
            due_at=timezone.now(),
        )
        message = notification_render(CaseEvent(case=case, kind=CaseEvent.Kind.CREATED))
        in_english = _rendered_in(path, case)
        assert message.body.startswith("Annwyl Rhys Jones"), path
        assert message.subject != in_english[0] and in_english[1] not in message.body, path


def _rendered_in(path: Path, case: Case) -> tuple[str, str]:
    """The English message's subject and its first sentence after the greeting."""
    text = get_template(f"notifications/{path.parent.name}/{path.name}").render(
        {
            "case": case,
            "service": case.service,
            "name": "Rhys Jones",
            "link": "",
            "council_name": "",
        }
    )
    subject, _, body = text.partition("\n")
    return subject, body.split("\n\n")[1].split(".")[0]


def test_the_days_a_missed_bin_page_names_are_in_the_pages_language():
    """The missed bin form's texts show the collection day its lookup found
    ("{collection_day}"): a Welsh page names it in Welsh."""
    from townhall.waste.missed import _day, _when

    friday, five_pm = date(2026, 12, 4), datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    with translation.override("en"):
        assert _day(friday) == "Friday 4 December"
        assert _when(five_pm, friday) == "5pm today"
        assert _when(five_pm, date(2026, 12, 3)) == "5pm on Friday 4 December"
    with translation.override("cy"):
        assert _day(friday) == "Dydd Gwener 4 Rhagfyr"
        assert _when(five_pm, friday) == "5yh heddiw"
