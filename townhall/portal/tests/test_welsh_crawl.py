"""Issue 20's crawl: "a crawl of every portal page within two clicks of home in Welsh finds no
English text outside a short allow-list (proper nouns, the council's name)".

The demo council is loaded as `make demo` loads it. An anonymous visitor and the demo resident
(signed in) each start at `/` with Welsh chosen and follow every same-site link to depth 2. Each
page is also fetched in English: a piece of visible text (or a label read out to screen readers)
that is the same in both languages is English left in a Welsh page. Text marked `lang="en"` is
checked too: to a Welsh reader it is still English. What residents and the council entered
(addresses, names, answers, references) is data, not the interface, and is left out.

Pages further in (a permit, renewing and cancelling it, cancelling a booking, a form page and
its errors, the account pages reached after doing something) and the error pages (400, 403
CSRF, 404, 413, 500) are compared the same way. Service texts (names, summaries, questions)
come from the service files: they fail here until those files carry their Welsh.
"""

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import StringIO
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest
from django.conf import settings
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from django.views import defaults

from townhall.accounts.models import User
from townhall.bookings.models import Slot
from townhall.bookings.services import booking_hold
from townhall.cases.models import Case, CaseEvent
from townhall.cases.services import case_create
from townhall.catalogue.models import Service
from townhall.permits.models import Permit, PermitScheme
from townhall.permits.numbers import permit_number_next
from townhall.places.models import Address, Street, Ward

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
DEPTH = 2
RESIDENT = "resident@example.com"

# Names that stay as they are in a Welsh page (proper nouns, products, standards).
ALLOWED = {
    settings.COUNCIL_NAME,
    "Townhall",
    "GOV.UK",
    "GOV.UK Pay",
    "GOV.UK One Login",
    "Cymraeg",
    "English",
    "WCAG",
    "WCAG 2.2",
    "axe-core",
    "EHRC",
    "EASS",
    "iCalendar",
    "Microsoft Authenticator",
    "Google Authenticator",
    "Kent County Council",
    "API",
    "PDF",
    "Open311",
}
# Links not followed: the staff side, machine doors, files, and the switch itself.
SKIP_PREFIXES = (
    "/staff/",
    "/django-admin/",
    "/admin/",
    "/api/",
    "/open311/",
    "/static/",
    "/media/",
    "/language/",
    "/healthz",
    "/readyz",
)
SKIP_SUFFIXES = (".ics", ".pdf", ".csv", ".geojson", ".json", ".png", ".jpg")
# Text that reads the same in any language: numbers, money, dates in figures, references,
# postcodes, emails, phone numbers, times, UPRNs.
NEUTRAL = [
    re.compile(r"^[\d\s.,:;/£%+()–—-]*$"),
    re.compile(r"^[A-Z]{1,4}-\d{4}-\d+$"),  # a case reference
    re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$"),  # a postcode
    re.compile(r"^\S+@\S+\.\S+$"),
    re.compile(r"^[A-Z]{2,}[-\d]+$"),  # permit numbers and the like
    re.compile(r"^\d{1,2}:\d{2}\s*(am|pm)?$", re.I),
    re.compile(r"^[A-Z2-7 ]{16,}$"),  # an authenticator's secret key
]
# What a screen reader reads out besides text.
READ_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")


def _texts(html: str, *, welsh_too: bool = True) -> Iterator[str]:
    """The body's visible text and what screen readers read, one piece at a time; without
    `welsh_too`, leaving out what the page marks as Welsh (an English page's "Cymraeg" link)."""
    body = lxml.html.fromstring(html).body
    if not welsh_too:
        for element in body.xpath('.//*[@lang="cy"]'):
            element.drop_tree()
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if element.tag in {"script", "style", "template"}:
            pieces = [element.tail]
        else:
            pieces = [element.text, element.tail]
            pieces += [element.get(name) for name in READ_ATTRIBUTES]
            if element.tag == "input" and element.get("type") in {"submit", "button"}:
                pieces.append(element.get("value"))
        if element is body:
            pieces = [element.text]
        for piece in pieces:
            text = " ".join((piece or "").split())
            if text:
                yield text


def _head_title(html: str) -> str:
    titles = lxml.html.fromstring(html).xpath("//head/title/text()")
    return " ".join(" ".join(titles).split())


def _counts(text: str) -> bool:
    """Whether a piece of text could be English: two letters or more, not neutral, not
    allowed."""
    if len(re.findall(r"[A-Za-z]", text)) < 2:
        return False
    if any(pattern.match(text) for pattern in NEUTRAL):
        return False
    return text not in ALLOWED


def _data(resident: User | None) -> set[str]:
    """Text the council and residents entered: place names, people's names, what residents
    wrote. It is shown as entered in both languages."""
    found = {settings.COUNCIL_NAME}
    found |= set(Street.objects.values_list("name", flat=True))
    found |= set(Street.objects.values_list("town", flat=True))
    found |= set(Ward.objects.values_list("name", flat=True))
    found |= {str(address) for address in Address.objects.select_related("street")}
    if resident is not None:
        found.add(resident.full_name)
        found.add(resident.email)
        found |= _resident_answers(resident)
    return {text for text in found if text}


def _resident_answers(resident: User) -> set[str]:
    """Every answer and summary the resident's requests hold, as typed, and what their
    timelines told them: a message is kept in the language of the request it was sent for (the
    demo's requests were made in English), as an email already sent is."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.add(" ".join(value.split()))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for case in Case.objects.filter(resident=resident).select_related("submission"):
        walk([case.summary, case.location_text, case.contact_name])
        if case.submission is not None:
            walk(case.submission.answers)
    walk(
        list(
            CaseEvent.objects.filter(case__resident=resident, is_public=True).values_list(
                "text", flat=True
            )
        )
    )
    return found


def _links(html: str, here: str) -> list[str]:
    found = []
    for href in lxml.html.fromstring(html).xpath("//a/@href"):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue
        path = parts.path or here
        if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
            continue
        if path.endswith(SKIP_SUFFIXES) or "/files/" in path:
            continue
        found.append(path + (f"?{parts.query}" if parts.query else ""))
    return found


def _language_client(language: str, resident: User | None) -> Client:
    client = Client()
    if resident is not None:
        client.force_login(resident)
    client.cookies[COOKIE] = language
    return client


def _html_lang(html: str) -> str:
    found = re.search(r"<html[^>]*\slang=\"([^\"]+)\"", html)
    return found.group(1) if found else ""


def _english_left(welsh: str, english: str, data: set[str]) -> list[str]:
    """The text of the Welsh page that its English page shows too (leaving out what the
    English page marks as Welsh), unless it is neutral, allowed, or data."""
    same = set(_texts(english, welsh_too=False)) | {_head_title(english)}
    pieces = [*_texts(welsh), _head_title(welsh)]
    return sorted({text for text in pieces if text in same and _counts(text) and text not in data})


def _crawl(resident: User | None) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Each page reached within DEPTH clicks of home: the English left in its Welsh, and its
    `<html lang>`."""
    welsh, english = _language_client("cy", resident), _language_client("en", resident)
    data = _data(resident)
    untranslated: dict[str, list[str]] = {}
    langs: dict[str, str] = {}
    frontier = ["/"]
    for depth in range(DEPTH + 1):
        following: list[str] = []
        for url in frontier:
            if url in untranslated:
                continue
            response = welsh.get(url, follow=True)
            assert response.status_code == 200, (url, response.status_code)
            html = response.content.decode()
            langs[url] = _html_lang(html)
            in_english = english.get(url, follow=True).content.decode()
            untranslated[url] = _english_left(html, in_english, data)
            if depth < DEPTH:
                following += _links(html, urlsplit(response.request["PATH_INFO"]).path)
        frontier = following
    return untranslated, langs


@pytest.fixture
def demo_council():
    # A few cases are enough: the demo resident's own requests are made whatever the count.
    call_command("load_demo", "--cases", "8", stdout=StringIO())


def _failures(untranslated: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{url}\n" + "\n".join(f"    {text!r}" for text in texts)
        for url, texts in sorted(untranslated.items())
        if texts
    )


def test_every_page_within_two_clicks_of_home_has_no_english_signed_out_or_in(demo_council):
    """The demo loaded once (it is most of the time), crawled as a visitor, then as the demo
    resident signed in."""
    visitor, visitor_langs = _crawl(None)
    assert len(visitor) >= 15
    assert any(url.startswith("/account/sign-in/") for url in visitor)
    resident, resident_langs = _crawl(User.objects.get(email=RESIDENT))
    assert any(url.startswith("/my-account/requests/") for url in resident)
    langs = {
        **visitor_langs,
        **{f"{url} (signed in)": lang for url, lang in resident_langs.items()},
    }
    assert {url: lang for url, lang in langs.items() if lang != "cy"} == {}
    untranslated = {
        **visitor,
        **{f"{url} (signed in)": found for url, found in resident.items()},
    }
    if _failures(untranslated):
        pytest.fail("English in Welsh pages:\n" + _failures(untranslated), pytrace=False)


def test_the_texts_compared_are_what_a_reader_sees_and_hears():
    html = (
        '<html lang="cy"><head><title>Teitl</title><script>var x = "Skip me";</script></head>'
        '<body><p>Helo <span lang="en">English words</span> eto</p>'
        '<img alt="A picture"><input type="submit" value="Send"><style>.a{}</style></body></html>'
    )
    assert list(_texts(html)) == ["Helo", "English words", "eto", "A picture", "Send"]
    assert _head_title(html) == "Teitl"
    assert not _counts("FT-2026-000123") and not _counts("TN23 1AA") and not _counts("£45.00")
    assert _counts("Report a missed bin") and not _counts(settings.COUNCIL_NAME)


# --- Pages further in: what a resident reaches by doing something, and the error pages -------

GARDEN = "subscribe-to-garden-waste-collection"
BULKY = "book-a-bulky-waste-collection"


def _permit_and_booking(resident: User) -> tuple[Permit, Case]:
    """An active garden waste permit due for renewal, and a bulky waste booking that can still
    be cancelled, for the demo resident."""
    scheme = PermitScheme.objects.select_related("service").get(service__slug=GARDEN)
    address = Address.objects.select_related("street").order_by("uprn").first()
    assert address is not None
    today = timezone.localdate()
    permit = Permit.objects.create(
        scheme=scheme,
        number=permit_number_next(prefix=scheme.number_prefix, year=today.year),
        state=Permit.State.ACTIVE,
        holder=resident,
        address=address,
        uprn=address.uprn,
        address_text=address.single_line,
        starts_on=today - timedelta(days=351),
        ends_on=today + timedelta(days=14),
        price_pence=5200,
        case=case_create(service=scheme.service, summary="Garden waste", resident=resident),
        issued_at=timezone.now(),
    )
    bulky = Service.objects.get(slug=BULKY)
    booked = case_create(service=bulky, summary="A sofa", resident=resident)
    slot = Slot.objects.filter(service=bulky, day__gte=today + timedelta(days=10)).first()
    assert slot is not None
    booking_hold(case=booked, slot=slot)
    return permit, booked


WELSH_DAY = re.compile(
    r"<strong>Dydd (Llun|Mawrth|Mercher|Iau|Gwener|Sadwrn|Sul) (\d{1,2}) "
    r"(Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr)"
    r"</strong>"
)
ENGLISH_DAY = re.compile(r"<strong>([A-Z][a-z]+day) (\d{1,2}) ([A-Z][a-z]+)</strong>")


def _both(
    ask: Callable[[Client], HttpResponse], resident: User | None = None, **client_options: Any
) -> tuple[HttpResponse, str]:
    """The Welsh response, and the English page's HTML, for the same request."""
    answers = []
    for language in ("cy", "en"):
        client = Client(**client_options)
        if resident is not None:
            client.force_login(resident)
        client.cookies[COOKIE] = language
        answers.append(ask(client))
    return answers[0], answers[1].content.decode()


def _form_page(client: Client, *, errors: bool) -> HttpResponse:
    page = client.post(f"/services/{BULKY}/begin/")["Location"]
    if not errors:
        return client.get(page)
    refused = client.post(page, {})
    assert b"govuk-error-summary" in refused.content
    return refused


def _error_page(view: Callable[..., HttpResponse], *args: Any) -> Callable[[Client], Any]:
    """Django's own error view for 400 and 500, in the language of the client's cookie."""

    def ask(client: Client) -> HttpResponse:
        request = RequestFactory().get("/")
        with translation.override(client.cookies[COOKIE].value):
            return view(request, *args)

    return ask


def test_pages_further_in_and_the_error_pages_have_no_english_and_bin_days_are_welsh(
    demo_council,
):
    resident = User.objects.get(email=RESIDENT)
    officer = User.objects.get(email="waste.officer@example.gov.uk")
    permit, booked = _permit_and_booking(resident)
    number, reference = permit.number, booked.reference
    too_large = str(settings.UPLOAD_MAX_BYTES * (settings.UPLOAD_MAX_FILES + 2))
    asks: dict[str, tuple[Callable[[Client], Any], User | None, dict, int]] = {
        "permit": (lambda c: c.get(f"/my-account/permits/{number}/"), resident, {}, 200),
        "permit renew": (
            lambda c: c.get(f"/my-account/permits/{number}/renew/"),
            resident,
            {},
            200,
        ),
        "permit cancel": (
            lambda c: c.get(f"/my-account/permits/{number}/cancel/"),
            resident,
            {},
            200,
        ),
        "booking": (lambda c: c.get(f"/my-account/requests/{reference}/"), resident, {}, 200),
        "booking cancel": (
            lambda c: c.get(f"/my-account/requests/{reference}/cancel-booking/"),
            resident,
            {},
            200,
        ),
        "your details": (lambda c: c.get("/account/your-details/"), resident, {}, 200),
        "two-factor setup": (lambda c: c.get("/account/two-factor/setup/"), officer, {}, 200),
        "email link sent": (lambda c: c.get("/account/sign-in/email-link/sent/"), None, {}, 200),
        "register check email": (lambda c: c.get("/account/register/check-email/"), None, {}, 200),
        "password reset sent": (lambda c: c.get("/account/reset-password/sent/"), None, {}, 200),
        "password reset done": (lambda c: c.get("/account/reset-password/done/"), None, {}, 200),
        "sign-in refused": (
            lambda c: c.post("/account/sign-in/", {"email": "nobody@example.com"}),
            None,
            {},
            200,
        ),
        "form page": (lambda c: _form_page(c, errors=False), None, {}, 200),
        "form page refused": (lambda c: _form_page(c, errors=True), None, {}, 200),
        "404": (lambda c: c.get("/no-such-page/"), None, {}, 404),
        "403 CSRF": (
            lambda c: c.post("/account/sign-in/", {}),
            None,
            {"enforce_csrf_checks": True},
            403,
        ),
        "413": (
            lambda c: c.post(
                "/account/sign-in/", "x", content_type="text/plain", CONTENT_LENGTH=too_large
            ),
            None,
            {},
            413,
        ),
        "400": (_error_page(defaults.bad_request, Exception()), None, {}, 400),
        "500": (_error_page(defaults.server_error), None, {}, 500),
    }
    data = _data(resident) | {officer.full_name, officer.email}
    untranslated, langs = {}, {}
    for name, (ask, who, options, status) in asks.items():
        welsh, english = _both(ask, who, **options)
        assert welsh.status_code == status, (name, welsh.status_code)
        html = welsh.content.decode()
        langs[name] = _html_lang(html)
        untranslated[name] = _english_left(html, english, data)
    assert {name: lang for name, lang in langs.items() if lang != "cy"} == {}
    _bin_days_are_named_in_welsh()
    _cancelling_a_booking_is_told_in_welsh(resident, reference)
    if _failures(untranslated):
        pytest.fail("English in Welsh pages:\n" + _failures(untranslated), pytrace=False)


def _bin_days_are_named_in_welsh() -> None:
    """A bin day page gives the same days in both languages, each named in its own."""
    uprn = Address.objects.order_by("uprn").values_list("uprn", flat=True).first()
    welsh, english = _both(lambda c: c.get(f"/bin-day/{uprn}/"))
    welsh_days = WELSH_DAY.findall(welsh.content.decode())
    english_days = ENGLISH_DAY.findall(english)
    assert welsh_days and len(welsh_days) == len(english_days)
    assert [day for _, day, _ in welsh_days] == [day for _, day, _ in english_days]


def _cancelling_a_booking_is_told_in_welsh(resident: User, reference: str) -> None:
    """A message the messages framework carries to the next page is Welsh too."""
    client = _language_client("cy", resident)
    told = client.post(f"/my-account/requests/{reference}/cancel-booking/", follow=True)
    html = told.content.decode()
    assert re.search(r"Mae eich casgliad ar gyfer Dydd \w+ \d{1,2} \w+ \d{4} wedi’i ganslo\.", html)
    assert "is cancelled" not in html
