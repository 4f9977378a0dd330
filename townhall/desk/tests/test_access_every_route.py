"""Every desk route that names a case, tried by URL with another department's case: each
answers 404 (never 200, never 403, so a reference cannot be confirmed by guessing), and the
case is unchanged. Every desk route refuses residents. The list of routes is read from the
URL configuration, so a route added later is tried too."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseEvent
from townhall.desk.tests.factories import case_make, user_make

pytestmark = pytest.mark.django_db


def _desk_routes() -> list[str]:
    """Every route under /staff/, as a pattern string with <converters>."""
    routes: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                routes.append(prefix + str(entry.pattern))

    walk(get_resolver().url_patterns, "/")
    return [r for r in routes if r.startswith("/staff/")]


def _fill(route: str, reference: str) -> str:
    route = re.sub(r"<str:reference>", reference, route)
    route = re.sub(r"<int:[a-z_]+>", "1", route)
    route = re.sub(r"<uuid:[a-z_]+>", "00000000-0000-0000-0000-000000000000", route)
    route = re.sub(r"<(str|slug):[a-z_]+>", "x", route)
    return route


def test_the_route_list_is_real():
    routes = _desk_routes()
    assert "/staff/cases/<str:reference>/" in routes
    assert sum("<str:reference>" in r for r in routes) >= 10


def test_another_departments_case_is_not_found_by_any_route(waste, housing):
    officer = user_make(role=User.Role.OFFICER, departments=[waste.department])
    theirs = case_make(service=housing, summary="Their case")
    before = (Case.objects.values().get(pk=theirs.pk), CaseEvent.objects.count())
    client = Client()
    client.force_login(officer)
    tried = 0
    for route in _desk_routes():
        if "<str:reference>" not in route:
            continue
        url = _fill(route, theirs.reference)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"status": "closed", "note": "x", "text": "x"})
            if response.status_code == 405:
                continue
            tried += 1
            assert response.status_code == 404, f"{method.upper()} {url}: {response.status_code}"
            assert b"Their case" not in response.content
    assert tried >= 10
    assert (Case.objects.values().get(pk=theirs.pk), CaseEvent.objects.count()) == before


def test_residents_are_refused_every_desk_route(waste):
    resident = user_make(role=User.Role.RESIDENT)
    case = case_make(service=waste, resident=resident)
    client = Client()
    client.force_login(resident)
    for route in _desk_routes():
        url = _fill(route, case.reference)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404, 405), f"{method.upper()} {url}"
            assert response.status_code != 200
