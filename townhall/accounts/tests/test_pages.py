"""Every page of the account door renders GOV.UK markup within the strict CSP."""

import re

import pytest
from django.urls import reverse

PUBLIC_PAGES = [
    "accounts:sign_in",
    "accounts:register",
    "accounts:register_check_email",
    "accounts:magic_link_request",
    "accounts:magic_link_sent",
    "accounts:password_reset",
    "accounts:password_reset_sent",
    "accounts:password_reset_complete",
]
SIGNED_IN_PAGES = ["accounts:sign_out", "accounts:preferences", "accounts:details"]
LINK_PAGES = [
    ("accounts:verify_email", {"token": "not-a-token"}),
    ("accounts:magic_link_sign_in", {"token": "not-a-token"}),
    ("accounts:password_reset_confirm", {"uidb64": "MQ", "token": "not-a-token"}),
]


def assert_well_formed(html: str) -> None:
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count("<h1") == 1
    assert "<script" not in main
    assert " style=" not in html
    assert "onpaste" not in html
    assert 'autocomplete="off"' not in html
    # Every visible input, select and textarea has a label pointing at it.
    for control_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', main):
        assert f'for="{control_id}"' in main, control_id


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_account_pages_render(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert_well_formed(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_account_pages_render(client, resident, name):
    client.force_login(resident)

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert_well_formed(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), LINK_PAGES)
def test_bad_links_say_the_link_has_expired(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()
    assert_well_formed(response.content.decode())


@pytest.mark.django_db
def test_account_pages_are_not_cached_once_signed_in(client, resident):
    client.force_login(resident)

    response = client.get(reverse("accounts:preferences"))

    assert response["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response["Content-Security-Policy"]
