"""The portal in Welsh (issue 20): the "Cymraeg" / "English" switch on every page, the choice
kept for the visit (cookie) and the account, `lang` attributes, and the language recorded on
what a resident sends."""

import re

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
