"""The portal in Welsh (issue 20): the "Cymraeg" / "English" switch on every page, the choice
kept for the visit (cookie) and the account, `lang` attributes, and the language recorded on
what a resident sends."""

import re
from urllib.parse import urlsplit

import lxml.html
import pytest
from django.conf import settings
from django.test import Client

from townhall.accounts.models import User
from townhall.portal.tests.fixtures import make_resident, make_service, make_street

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def service():
    make_street()
    return make_service()


def _html_lang(body: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', body)
    assert found is not None
    return found.group(1)


def _switch_link(body: str, text: str) -> re.Match:
    found = re.search(rf'<a [^>]*href="([^"]+)"[^>]*lang="(\w+)"[^>]*>{text}</a>', body)
    assert found is not None, f"no {text} link"
    return found


@pytest.mark.parametrize("url", ["/", "/services/", "/services/report-fly-tipping/", "/bin-day/"])
def test_every_portal_page_offers_cymraeg_with_its_lang_and_is_english_first(client, service, url):
    body = client.get(url).content.decode()
    assert _html_lang(body) == "en"
    link = _switch_link(body, "Cymraeg")
    assert link.group(2) == "cy"
    assert link.group(1).endswith(f"next={url}")


def test_the_switch_makes_the_page_welsh_for_the_visit_and_english_switches_back(client, service):
    switched = client.get("/language/cy/?next=/services/")
    assert switched.status_code == 302 and switched["Location"] == "/services/"
    assert switched.cookies[COOKIE].value == "cy"
    body = client.get("/services/").content.decode()
    assert _html_lang(body) == "cy"
    assert _switch_link(body, "English").group(2) == "en"
    client.get("/language/en/?next=/services/")
    assert _html_lang(client.get("/services/").content.decode()) == "en"


def test_the_switch_refuses_another_site_and_an_unknown_language(client):
    away = client.get("/language/cy/?next=https://evil.example.com/")
    assert away["Location"] == "/"
    assert client.get("/language/fr/?next=/").status_code == 404


def test_a_signed_in_residents_choice_is_kept_on_the_account_and_follows_them(client, service):
    resident = make_resident()
    client.force_login(resident)
    client.get("/language/cy/?next=/")
    resident.refresh_from_db()
    assert resident.language == "cy"
    # Another device: no cookie, signed in, the account's language.
    elsewhere = Client()
    elsewhere.force_login(User.objects.get(pk=resident.pk))
    assert _html_lang(elsewhere.get("/services/").content.decode()) == "cy"
    # A choice made in that visit wins over the account's until it is saved too.
    elsewhere.cookies[COOKIE] = "en"
    assert _html_lang(elsewhere.get("/services/").content.decode()) == "en"


def test_an_anonymous_visitor_with_welsh_browser_gets_welsh_and_the_cache_keeps_both(
    client, service, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    english = client.get("/services/").content.decode()
    welsh = Client(HTTP_ACCEPT_LANGUAGE="cy").get("/services/").content.decode()
    again = client.get("/services/").content.decode()
    assert _html_lang(english) == "en" == _html_lang(again)
    assert _html_lang(welsh) == "cy"
    cookie_welsh = Client()
    cookie_welsh.cookies[COOKIE] = "cy"
    assert _html_lang(cookie_welsh.get("/services/").content.decode()) == "cy"


# --- The crawl: every portal page within two clicks of home, in Welsh -------------------------

# Words that are English and not Welsh: one of them in a Welsh page's text is English left over.
ENGLISH = {
    "the",
    "and",
    "your",
    "you",
    "we",
    "our",
    "this",
    "that",
    "with",
    "is",
    "are",
    "have",
    "has",
    "will",
    "what",
    "how",
    "for",
    "of",
    "to",
    "be",
    "not",
    "from",
    "by",
    "can",
    "when",
    "where",
    "which",
    "who",
    "there",
    "their",
    "they",
    "find",
    "report",
    "request",
    "sign",
    "back",
    "change",
    "enter",
    "select",
    "choose",
    "continue",
    "send",
    "save",
    "services",
    "service",
    "address",
    "postcode",
    "bins",
    "bin",
    "day",
    "days",
    "account",
    "menu",
    "privacy",
    "statement",
    "home",
    "search",
    "results",
    "all",
}
# Names that stay as they are in a Welsh page.
ALLOWED = [
    settings.COUNCIL_NAME,
    "Townhall",
    "GOV.UK Pay",
    "GOV.UK",
    "WCAG",
    "axe-core",
    "EHRC",
    "EASS",
    "Microsoft Authenticator",
    "Google Authenticator",
    "iCalendar",
    "API",
    "Kingsmead",
    "Bank Street",
]
SKIP = ("/staff/", "/language/", "/django-admin/", "/api/", "/open311/", "/static/")


def _english_in(html: str) -> list[str]:
    """The bits of a page's visible text (and its labels for screen readers) that read as
    English, leaving out whatever is marked lang="en" and the allowed names."""
    doc = lxml.html.fromstring(html)
    for element in doc.xpath('//*[@lang="en"] | //script | //style | //head'):
        element.drop_tree()
    texts = [*doc.xpath("//body//text()"), *doc.xpath("//body//@aria-label | //body//@alt")]
    found = []
    for text in texts:
        for name in ALLOWED:
            text = text.replace(name, " ")
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
        if words & ENGLISH:
            found.append(" ".join(text.split()))
    return found


def _links(html: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    found = []
    for href in doc.xpath("//a/@href"):
        path = urlsplit(href)
        if path.scheme or path.netloc or not path.path.startswith("/"):
            continue
        if path.path.startswith(SKIP) or path.path.endswith((".ics", ".geojson")):
            continue
        found.append(path.path + (f"?{path.query}" if path.query else ""))
    return found


def _crawl(client: Client, depth: int = 2) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    frontier = ["/"]
    for _ in range(depth + 1):
        following = []
        for url in frontier:
            if url in seen:
                continue
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert _html_lang(html) == "cy", url
            seen[url] = _english_in(html)
            following += _links(html)
        frontier = following
    return seen


@pytest.fixture
def welsh_service(service):
    service.name_cy = "Rhoi gwybod am dipio anghyfreithlon"
    service.summary_cy = "Rhowch wybod i ni am sbwriel wedi’i adael ar dir cyhoeddus."
    service.save()
    return service


def test_every_portal_page_within_two_clicks_of_home_is_welsh(welsh_service):
    visitor = Client()
    visitor.cookies[COOKIE] = "cy"
    pages = _crawl(visitor)
    assert len(pages) >= 8
    assert {url: found for url, found in pages.items() if found} == {}


def test_a_signed_in_residents_pages_within_two_clicks_are_welsh(welsh_service):
    from townhall.cases.services import case_create

    resident = make_resident(language="cy")
    case_create(
        service=welsh_service, summary="Bagiau ar y palmant", resident=resident, language="cy"
    )
    client = Client()
    client.force_login(resident)
    pages = _crawl(client)
    assert any(url.startswith("/my-account/requests/") for url in pages)
    assert {url: found for url, found in pages.items() if found} == {}


# --- A service's own texts, and what a Welsh request leaves behind ------------------------------

ASK_FORM = {
    "title": "Ask a question",
    "title_cy": "Gofyn cwestiwn",
    "pages": [
        {
            "id": "question",
            "fields": [
                {
                    "name": "question",
                    "type": "text",
                    "label": "What is your question?",
                    "label_cy": "Beth yw eich cwestiwn?",
                    "hint": "One line is enough",
                    "required": True,
                }
            ],
        }
    ],
}


@pytest.fixture
def ask_service():
    return make_service(definition=ASK_FORM, slug="ask-a-question", name="Ask a question")


def _welsh_resident_client() -> tuple[Client, User]:
    resident = make_resident()
    client = Client()
    client.force_login(resident)
    client.get("/language/cy/?next=/")
    return client, resident


def test_a_form_shows_its_welsh_texts_and_english_where_the_welsh_is_empty(ask_service):
    client, _ = _welsh_resident_client()
    page_url = client.post(f"/services/{ask_service.slug}/begin/")["Location"]
    page = client.get(page_url).content.decode()
    assert "Beth yw eich cwestiwn?" in page and "What is your question?" not in page
    assert "One line is enough" in page  # no Welsh hint: the English one
    assert "Parhau" in page
    refused = client.post(page_url, {"question": ""}).content.decode()
    assert "Rhowch ateb: beth yw eich cwestiwn" in refused


def test_a_request_sent_in_welsh_records_welsh_and_its_messages_are_welsh(ask_service):
    from townhall.cases.models import Case, CaseEvent
    from townhall.cases.notifications import notification_render
    from townhall.eforms.models import Submission

    client, _ = _welsh_resident_client()
    page_url = client.post(f"/services/{ask_service.slug}/begin/")["Location"]
    check_url = client.post(page_url, {"question": "Pryd mae’r llyfrgell ar agor?"})["Location"]
    done = client.post(check_url)
    assert done.status_code == 302
    assert Submission.objects.get().language == "cy"
    case = Case.objects.get()
    assert case.language == "cy"
    created = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.CREATED)
    assert created.text.startswith("Rydym wedi cael eich cais")
    rendered = notification_render(created)
    assert rendered.subject == f"Rydym wedi cael eich cais {case.reference}"
    assert "Annwyl Rosa Resident" in rendered.body
    detail = client.get(f"/my-account/requests/{case.reference}/").content.decode()
    assert "Beth yw eich cwestiwn?" in detail and "What is your question?" not in detail
    assert _english_in(detail) == []
    # The character count's script speaks Welsh too.
    assert 'data-i18n.characters-under-limit.other="Mae gennych %{count} nod ar ôl"' in detail


def test_staff_see_the_language_a_resident_asked_in(ask_service, django_user_model):
    from townhall.accounts.models import Department
    from townhall.cases.services import case_create

    case = case_create(service=ask_service, summary="Cwestiwn", language="cy")
    officer = django_user_model.objects.create_user(
        "officer@example.gov.uk", "Correct-horse-7", full_name="Olive Officer", role="officer"
    )
    officer.departments.add(Department.objects.get(slug="waste"))
    staff = Client()
    staff.force_login(officer)
    page = staff.get(f"/staff/cases/{case.reference}/")
    assert page.status_code == 200
    assert 'Welsh (<span lang="cy">Cymraeg</span>)' in page.content.decode()


def test_the_account_page_shows_the_chosen_language_and_changes_it(client):
    resident = make_resident()
    client.force_login(resident)
    page = client.get("/account/preferences/").content.decode()
    assert "Defnyddio’r Gymraeg" in page
    client.get("/language/cy/?next=/account/preferences/")
    page = client.get("/account/preferences/").content.decode()
    assert (
        '<span lang="cy">Cymraeg</span>' in page and 'lang="en" hreflang="en">Use English' in page
    )
    resident.refresh_from_db()
    assert resident.language == "cy"


def test_welsh_messages_use_the_services_welsh_notify_template_where_set(ask_service):
    from townhall.cases.notifications import template_for

    ask_service.notify_templates = {"created": {"email": "english-id", "email_cy": "welsh-id"}}
    assert template_for(ask_service, "created", "email", "en") == "english-id"
    assert template_for(ask_service, "created", "email", "cy") == "welsh-id"
    # No Welsh template for texts: the generic one, which carries the Welsh we rendered.
    ask_service.notify_templates["created"]["sms"] = "english-sms-id"
    assert template_for(ask_service, "created", "sms", "cy") == ""


def test_every_welsh_message_template_has_an_english_one_and_compiles():
    from pathlib import Path

    from django.template.loader import get_template

    root = Path(settings.TEMPLATES[0]["DIRS"][0]) / "notifications"
    welsh = sorted(root.glob("*/*.cy.txt"))
    assert len(welsh) >= 7
    for path in welsh:
        assert path.with_name(path.name.replace(".cy.txt", ".txt")).exists(), path
        get_template(str(path.relative_to(root.parent)))
