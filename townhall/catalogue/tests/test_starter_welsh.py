"""The starter catalogue's resident services in Welsh (issue 20 point 3: "Services and forms
carry both languages").

Each service's start page, every page of its form (walked once for each branch, as
test_walk_every_service does), its check answers page, the page shown once it is sent
(the confirmation, or the pay page) and each outcome page it can end on
is shown in English and in Welsh; no text a resident reads on the Welsh page may be the same
as on the English one, but for names, numbers (a reference like AB12345678, "GOV.UK") and
the walk's own answers. An empty `_cy` slot shows the English text, so a text left
untranslated fails here, named with its page.
"""

import re

import lxml.html
import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from townhall.catalogue.models import Service
from townhall.catalogue.tests.test_walk_every_service import (
    _lookup_finds,
    _place,
    _slots_resolved,
)
from townhall.catalogue.tests.walk import form_routes, post_data
from townhall.demo.bookings import demo_booking_slots_load
from townhall.demo.contractors import demo_contractors_load
from townhall.demo.loader import demo_gazetteer_load, demo_services_load
from townhall.eforms.definition import CHECK_ANSWERS
from townhall.eforms.services import (
    form_flow,
    form_page_submit,
    form_session_start,
    submission_submit,
)
from townhall.portal.journey import GUEST_SESSIONS_KEY

pytestmark = pytest.mark.django_db

# The starter's resident services whose Welsh this test holds to account (the other
# starters and the demo's own services are translated on their own branch).
SLUGS = [
    "book-pest-control",
    "challenge-a-penalty-charge-notice",
    "check-if-you-can-get-a-blue-badge",
    "check-if-your-child-can-get-free-school-meals",
    "comment-on-a-planning-application",
    "council-tax-tell-us-you-are-moving",
    "get-help-if-you-are-homeless",
    "get-pre-application-planning-advice",
    "give-a-compliment",
    "give-a-temporary-event-notice",
    "join-the-housing-register",
    "make-a-claim-against-the-council",
    "make-an-environmental-information-request",
    "order-a-new-or-replacement-bin",
    "pay-a-parking-fine",
    "pay-your-council-tax-by-direct-debit",
    "pay-your-council-tax",
    "report-a-change-to-your-council-tax",
    "report-a-food-hygiene-problem",
    "report-a-noise-problem",
    "report-a-planning-breach",
    "report-a-repair-in-your-council-home",
    "report-a-street-light-fault",
    "report-dog-fouling",
]
# Names that read the same in both languages.
NAMES = [settings.COUNCIL_NAME, "GOV.UK Pay", "GOV.UK", "Townhall"]


def _texts(html: str) -> set[str]:
    """What a resident reads in the page's main part: its text and its labels for screen
    readers, each piece with its spacing made plain; without the names kept in both
    languages and the pieces that hold no word (numbers, references, punctuation)."""
    doc = lxml.html.fromstring(html)
    main = doc.xpath("//main")
    assert main, "the page has no <main>"
    for element in main[0].xpath(".//script | .//style"):
        element.drop_tree()
    found = set()
    for text in [*main[0].xpath(".//text()"), *main[0].xpath(".//@aria-label | .//@alt")]:
        plain = " ".join(str(text).split())
        for name in NAMES:
            plain = plain.replace(name, " ")
        if re.search(r"[A-Za-z]{3,}", plain) and not re.fullmatch(r"[A-Z0-9 .,/()-]+", plain):
            found.add(" ".join(plain.split()))
    return found


def _english_left(english: Client, welsh: Client, url: str) -> list[str]:
    """The texts of `url` that read the same in Welsh as in English."""
    pages = []
    for client in (english, welsh):
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        pages.append(response.content.decode())
    assert '<html lang="cy"' in pages[1], url
    return sorted(_texts(pages[0]) & _texts(pages[1]))


def _clients(service_session=None) -> tuple[Client, Client]:
    english, welsh = Client(), Client()
    welsh.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    if service_session is not None:
        for client in (english, welsh):
            browser = client.session
            browser[GUEST_SESSIONS_KEY] = [str(service_session.pk)]
            browser.save()
    return english, welsh


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _answered(text: str, answers: dict) -> bool:
    """Whether `text` holds what the walk typed or the gazetteer's address it chose: an
    answer reads the same in both languages."""
    return any(len(given) > 3 and given in text for given in _strings(answers))


def _add(left: dict[str, list[str]], where: str, texts: list[str], session) -> None:
    """Texts left in English on a page that shows the answers, but for the answers."""
    found = {text for text in texts if not _answered(text, session.answers)}
    left[where] = sorted(set(left.get(where, [])) | found)


def _form_pages_left(service: Service, place) -> dict[str, list[str]]:
    """Each page of each route through the service's form, shown in both languages before
    it is answered: the English left on it."""
    left: dict[str, list[str]] = {}
    version = service.form.live_version() if service.form else None
    assert version is not None, f"{service.slug}: no published form"
    for route in form_routes(version.definition, ask_contact=True, place=place):
        with transaction.atomic():
            session = form_session_start(service=service)
            english, welsh = _clients(session)
            flow = form_flow(session)
            for page_id, given in route.steps:
                url = reverse("portal:form_page", args=[service.slug, session.pk, page_id])
                if f"page {page_id}" not in left:
                    left[f"page {page_id}"] = _english_left(english, welsh, url)
                page = flow.page(page_id)
                assert page is not None, page_id
                data, files = post_data(page.fields, _slots_resolved(session, page.fields, given))
                with _lookup_finds(page.lookup, given):
                    outcome = form_page_submit(
                        session=session, page_id=page_id, data=data, files=files
                    )
                assert outcome.ok, f"{service.slug}: page {page_id} refused {given}"
            if route.end == CHECK_ANSWERS:
                session.refresh_from_db()
                check = reverse("portal:form_check", args=[service.slug, session.pk])
                _add(left, "check answers", _english_left(english, welsh, check), session)
                # Sent: the confirmation, or the pay page of a service with a fee.
                submission_submit(session=session)
                done = reverse("portal:form_done", args=[service.slug, session.pk])
                _add(left, "sent", _english_left(english, welsh, done), session)
            transaction.set_rollback(True)
    for outcome in version.definition.get("outcomes", []):
        url = reverse("portal:service_outcome", args=[service.slug, outcome["id"]])
        left[f"outcome {outcome['id']}"] = _english_left(*_clients(), url)
    return left


@pytest.fixture
def catalogue(settings) -> dict[str, Service]:
    settings.NOTIFY_CHANNEL = "django"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    demo_gazetteer_load()
    demo_services_load()
    demo_contractors_load()
    demo_booking_slots_load()  # the dates a pest control visit can be booked on
    return {s.slug: s for s in Service.objects.select_related("form")}


def test_each_starter_service_reads_in_welsh_on_its_start_page_form_pages_and_outcomes(
    catalogue,
):
    place = _place()
    problems: dict[str, dict[str, list[str]]] = {}
    for slug in SLUGS:
        service = catalogue[slug]
        assert service.name_cy and service.summary_cy, f"{slug}: no Welsh name or summary"
        url = reverse("portal:service_start", args=[slug])
        left = {"start": _english_left(*_clients(), url)}
        if service.kind != Service.Kind.INFORMATION:
            left.update(_form_pages_left(service, place))
        if any(left.values()):
            problems[slug] = {where: texts for where, texts in left.items() if texts}
    assert not problems, "\n".join(
        f"{slug}:\n" + "\n".join(f"  {where}: {texts}" for where, texts in found.items())
        for slug, found in problems.items()
    )


def test_the_check_finds_a_text_left_in_english(catalogue):
    """The test above can fail: a question whose Welsh label is emptied shows in English, and
    so does a confirmation without its Welsh."""
    service = catalogue["give-a-compliment"]
    version = service.form.live_version()
    page = version.definition["pages"][0]
    field = page["fields"][0]
    field["label_cy"] = ""
    version.definition["confirmation_cy"] = []
    # A published version is never changed in use: this stands for a file imported so.
    type(version).objects.filter(pk=version.pk).update(definition=version.definition)
    left = _form_pages_left(service, _place())
    assert left[f"page {page['id']}"] == [field["label"]]
    assert field["label"] in left["check answers"]  # the question, beside its answer
    assert left["sent"] == version.definition["confirmation"]
