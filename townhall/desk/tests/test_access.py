import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from townhall.accounts.models import User
from townhall.desk.tests.factories import case_make, user_make

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in_and_back(client, waste):
    case = case_make(service=waste)
    for url in [reverse("desk:home"), reverse("desk:case", args=[case.reference])]:
        response = client.get(url)

        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == reverse("accounts:sign_in")
        assert parse_qs(location.query)["next"] == [url]


def test_anonymous_post_changes_nothing(client, waste):
    case = case_make(service=waste)
    response = client.post(
        reverse("desk:case_status", args=[case.reference]),
        {"status": "in_progress", "lock_version": case.lock_version},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "open"


def test_resident_is_refused_the_staff_desk(client, waste):
    resident = user_make(role=User.Role.RESIDENT)
    case = case_make(service=waste, resident=resident)
    client.force_login(resident)

    for url in [reverse("desk:home"), reverse("desk:case", args=[case.reference])]:
        response = client.get(url)

        assert response.status_code == 403
        assert "You cannot use the staff desk" in response.content.decode()


def test_officer_gets_the_staff_layout(officer_client, officer):
    response = officer_client.get(reverse("desk:home"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Staff desk" in html
    assert officer.full_name in html
    assert f'action="{reverse("accounts:sign_out")}"' in html
    assert html.count("<h1") == 1


def test_desk_pages_have_no_inline_scripts_or_styles(officer_client, waste):
    case = case_make(service=waste)
    for url in [reverse("desk:home"), reverse("desk:case", args=[case.reference])]:
        html = officer_client.get(url).content.decode()

        assert " style=" not in html
        assert "<style" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
