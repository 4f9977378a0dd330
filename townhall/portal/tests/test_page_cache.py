"""Public pages kept whole for anonymous visitors (core/pagecache.py, issue 18): a change shows
at once, conditional GETs get 304, and nobody is served another person's page or token."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import path, reverse

from townhall.catalogue.models import Service
from townhall.core.pagecache import page_cached
from townhall.portal.tests.fixtures import make_resident, make_service, make_street

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/services/", "/services/?q=fly", "/accessibility/", "/privacy/"]


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.fixture
def service():
    make_street()
    return make_service()


def _service_rename(service: Service, name: str, capture) -> None:
    with capture(execute=True):  # the generation is bumped when the save commits
        service.name = name
        service.save()


@pytest.mark.parametrize("url", [*PUBLIC, "/services/report-fly-tipping/"])
def test_a_public_page_is_kept_after_its_first_render_and_sets_no_cookie(
    client, service, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert not first.cookies and not again.cookies
    assert Session.objects.count() == 0
    assert b"csrfmiddlewaretoken" not in again.content
    assert again["ETag"] and again["Last-Modified"]


def test_a_service_edit_shows_at_once_on_every_page_that_lists_it(
    client, service, django_capture_on_commit_callbacks
):
    pages = ["/", "/services/", "/services/?q=report", f"/services/{service.slug}/"]
    for url in pages:
        assert b"Report fly-tipping" in client.get(url).content
    _service_rename(service, "Report dumped rubbish", django_capture_on_commit_callbacks)
    for url in pages:
        content = client.get(url).content
        assert b"Report dumped rubbish" in content, url
        assert b"Report fly-tipping" not in content, url


def test_a_kept_page_is_not_rendered_again(client, service, monkeypatch):
    client.get("/accessibility/")
    calls = []
    monkeypatch.setattr("townhall.portal.views.render", lambda *a, **k: calls.append(a))
    client.get("/accessibility/")
    assert calls == []  # served from the cache, not rendered again


def test_a_conditional_get_with_the_etag_gets_304_and_no_body(client, service):
    first = client.get("/services/")
    again = client.get("/services/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get("/services/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_a_stale_etag_gets_the_new_page(client, service, django_capture_on_commit_callbacks):
    first = client.get("/services/")
    _service_rename(service, "Report dumped rubbish", django_capture_on_commit_callbacks)
    again = client.get("/services/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert b"Report dumped rubbish" in again.content
    assert again["ETag"] != first["ETag"]


def test_gzip_is_its_own_representation(client, service):
    plain = client.get("/")
    zipped = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["ETag"] != plain["ETag"]
    assert "Accept-Encoding" in zipped["Vary"] and "Cookie" in zipped["Vary"]


def test_a_signed_in_residents_home_page_never_comes_from_the_anonymous_cache(client, service):
    anonymous = client.get("/")
    assert b"Sign in" in anonymous.content
    client.force_login(make_resident())
    signed_in = client.get("/")
    assert b"Sign out" in signed_in.content
    assert b"Sign in</a>" not in signed_in.content
    assert signed_in["Cache-Control"] == "no-store"
    assert "ETag" not in signed_in


def test_an_anonymous_visitor_never_gets_a_signed_in_residents_page(service):
    resident = Client()
    resident.force_login(make_resident())
    mine = resident.get("/")
    assert b"Sign out" in mine.content
    stranger = Client().get("/")
    assert b"Sign out" not in stranger.content
    assert b"csrfmiddlewaretoken" not in stranger.content
    assert b"Sign in" in stranger.content


def test_a_visitor_with_a_message_waiting_gets_the_page_rendered_for_them(client, service):
    client.get("/")  # kept
    client.cookies["messages"] = "anything"
    assert "ETag" not in client.get("/")


def _token_page(request):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    return HttpResponse(f"<form>{get_token(request)}</form>")


urlpatterns = [path("token/", page_cached()(_token_page))]


@pytest.mark.urls(__name__)
def test_a_page_carrying_a_csrf_token_is_never_kept_for_someone_else(settings):
    first, second = Client(), Client()
    mine = first.get("/token/")
    theirs = second.get("/token/")
    assert mine.content != theirs.content  # each rendered for its visitor
    assert "ETag" not in theirs
    # Even a visitor who already holds a CSRF cookie (no new cookie is set) is not kept.
    again = first.get("/token/")
    assert "ETag" not in again


def test_the_start_button_works_without_a_token_from_this_site_only(service):
    browser = Client(enforce_csrf_checks=True)
    start = reverse("portal:form_begin", args=[service.slug])
    assert browser.post(start).status_code == 302
    forged = browser.post(start, HTTP_ORIGIN="https://elsewhere.example")
    assert forged.status_code == 403


def test_pages_are_not_kept_without_a_shared_cache(client, service, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert "ETag" not in client.get("/")
