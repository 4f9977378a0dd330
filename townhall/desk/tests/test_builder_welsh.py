"""The service builder in Welsh (issue 20 point 1: the desk "must work in Welsh too"): with the
`th_language=cy` cookie the service list, a service's settings and the form editor say
`lang="cy"` and leave no English, compared text by text with the same page in English. What
may read the same in both is the designers' own content (names, labels, slugs) and numbers.
In English the pages are as before (the other builder tests assert their words)."""

import re
from collections.abc import Iterator
from typing import Any

import lxml.html
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from townhall.accounts.models import Department, Team, User
from townhall.builder.checks import permit_rules_problems
from townhall.builder.exchange import ServiceFileInvalid, permit_defaults, service_file_load
from townhall.builder.models import ServiceVersion
from townhall.builder.selectors import process_choices, service_file_data
from townhall.catalogue.models import Service
from townhall.desk.tests.factories import user_make
from townhall.workflow.models import ProcessVersion
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
# Names that are the same in Welsh: products, standards and formats.
# A request with a hand-on, one selling permits, an eligibility checker and a plain request.
SLUGS = [
    "report-a-pothole-or-road-defect",
    "subscribe-to-garden-waste-collection",
    "check-if-you-can-get-an-assisted-bin-collection",
    "report-fly-tipping",
]
NAMES = ["GOV.UK Notify", "GOV.UK", "Open311", "GeoReport v2", "FixMyStreet", "UPRN", "YAML", "ID"]


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """A Welsh request leaves Welsh active in this thread: later tests expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo() -> dict[str, Service]:
    return demo_catalogue_with_processes()


@pytest.fixture
def designer() -> User:
    return user_make(role=User.Role.DESIGNER, full_name="Dee Signer")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _designers_content(services: list[Service]) -> list[str]:
    """Every text designers wrote or named: services' files (with their forms and processes),
    departments, teams and processes; longest first, so a name inside another goes last."""
    found = {"Dee Signer", *NAMES}
    for service in services:
        found.update(_strings(service_file_data(service)))
        found.add(service.slug)
    found.update(Department.objects.values_list("name", flat=True))
    found.update(Team.objects.values_list("name", flat=True))
    found.update(ProcessVersion.objects.values_list("name", flat=True))
    found.update(ProcessVersion.objects.values_list("key", flat=True))
    found.update(name for choices in process_choices() for _, name in choices)
    return sorted((s for s in found if len(s) > 1), key=len, reverse=True)


def _texts(html: str) -> list[str]:
    """The page's own text (its title, back link and main content), with the labels screen
    readers read; the desk's layout around it is the desk's, not the builder's."""
    doc = lxml.html.fromstring(html)
    parts = doc.xpath("//title | //a[contains(@class, 'govuk-back-link')] | //main")
    found = []
    for part in parts:
        for element in part.xpath(".//script | .//style"):
            element.drop_tree()
        found += part.xpath(".//text() | self::*/text()")
        found += part.xpath(".//@aria-label | .//@title | .//@placeholder")
    return [" ".join(t.split()) for t in found if t.strip()]


def _english_left(english: str, welsh: str, content: list[str]) -> list[str]:
    """The texts of the Welsh page that are also on the English one and, once the designers'
    content is taken out, still have words in them."""
    shown_in_english = set(_texts(english))
    left = []
    for text in _texts(welsh):
        if text not in shown_in_english:
            continue
        rest = text
        for name in content:
            rest = rest.replace(name, " ")
        if re.search(r"[A-Za-z]{2,}", rest):
            left.append(text)
    return left


def _html_lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _both(designer: User, url: str) -> tuple[str, str]:
    english, welsh = Client(), Client()
    english.force_login(designer)
    welsh.force_login(designer)
    welsh.cookies[COOKIE] = "cy"
    answers = english.get(url), welsh.get(url)
    assert [a.status_code for a in answers] == [200, 200], url
    return answers[0].content.decode(), answers[1].content.decode()


def test_the_service_list_is_welsh_with_the_welsh_cookie(demo, designer):
    english, welsh = _both(designer, "/staff/services/")
    assert (_html_lang(english), _html_lang(welsh)) == ("en", "cy")
    assert "Create a service" in english
    assert "Creu gwasanaeth" in welsh
    assert _english_left(english, welsh, _designers_content(list(demo.values()))) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_a_services_settings_page_is_welsh(demo, designer, slug):
    service = demo[slug]
    english, welsh = _both(designer, f"/staff/services/{slug}/settings/")
    assert (_html_lang(english), _html_lang(welsh)) == ("en", "cy")
    assert "Save settings" in english
    assert "Cadw’r gosodiadau" in welsh
    assert _english_left(english, welsh, _designers_content([service])) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_the_form_editor_is_welsh(demo, designer, slug):
    service = demo[slug]
    english, welsh = _both(designer, f"/staff/services/{slug}/form/")
    assert (_html_lang(english), _html_lang(welsh)) == ("en", "cy")
    assert "Add a page" in english
    assert "Ychwanegu tudalen" in welsh
    assert _english_left(english, welsh, _designers_content([service])) == []


@pytest.mark.parametrize("slug", SLUGS[:2])
def test_a_service_page_is_welsh(demo, designer, slug):
    service = demo[slug]
    english, welsh = _both(designer, f"/staff/services/{slug}/")
    assert (_html_lang(english), _html_lang(welsh)) == ("en", "cy")
    assert "Edit the settings" in english
    assert "Golygu’r gosodiadau" in welsh
    # Version notes are what designers (or an import) wrote.
    notes = list(ServiceVersion.objects.filter(service=service).values_list("note", flat=True))
    assert _english_left(english, welsh, [*notes, *_designers_content([service])]) == []


def test_the_comparison_finds_english_left_on_a_welsh_page():
    """The check itself: an English sentence left untranslated is found; a designer's name
    and a number are not."""
    english = "<html><body><main><p>Save settings</p><p>Hedges</p><p>12</p></main></body></html>"
    welsh = "<html><body><main><p>Save settings</p><p>Hedges</p><p>12</p></main></body></html>"
    assert _english_left(english, welsh, ["Hedges"]) == ["Save settings"]


def test_import_refusals_and_publish_checks_read_in_welsh_keeping_their_place():
    """The builder's reasons are long sentences with the place in the file first: in Welsh
    the sentence is Welsh and the place (which the settings page reads) is unchanged."""
    with translation.override("cy"), pytest.raises(ServiceFileInvalid) as refused:
        service_file_load("slug: hedges\nslug: again\n")
    assert refused.value.reasons == ["llinell 2: mae’r allwedd 'slug' yn ymddangos ddwywaith"]
    rules = {**permit_defaults(), "number_prefix": "GW", "period_months": 40}
    with translation.override("cy"):
        welsh = permit_rules_problems(rules, reference_prefix="GW")
    with translation.override("en"):
        english = permit_rules_problems(rules, reference_prefix="GW")
    assert [r.partition(": ")[0] for r in welsh] == [r.partition(": ")[0] for r in english]
    assert len(welsh) == 2
    assert "rhaid i drwydded bara rhwng 1 a 36 mis, nid 40" in welsh[1]
    assert "a permit must last 1 to 36 months, not 40" in english[1]
