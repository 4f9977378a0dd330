import pytest
from django.core import mail
from django.urls import reverse

from townhall.accounts.models import SignInAttempt
from townhall.accounts.tests.helpers import link_in

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "violet harbour kettle"


@pytest.mark.django_db
def test_reset_password_by_email_link(client, send, resident):
    send(client.post, RESET, {"email": "Pat@Example.com"})
    link = link_in(mail.outbox[0])

    form = client.get(link)
    saved = client.post(link, {"password": NEW_PASSWORD})

    assert mail.outbox[0].subject == "Reset your password"
    assert 'autocomplete="new-password"' in form.content.decode()
    assert saved["Location"] == reverse("accounts:password_reset_complete")
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    signed_in = client.post(
        reverse("accounts:sign_in"), {"email": "pat@example.com", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


@pytest.mark.django_db
def test_reset_link_works_only_once(client, send, resident):
    send(client.post, RESET, {"email": "pat@example.com"})
    link = link_in(mail.outbox[0])
    client.post(link, {"password": NEW_PASSWORD})

    again = client.post(link, {"password": "another fine password"})

    assert b"This link has expired" in again.content
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_reset_request_looks_the_same_whether_or_not_the_email_exists(client, send, resident):
    known = send(client.post, RESET, {"email": "pat@example.com"})
    unknown = send(client.post, RESET, {"email": "nobody@example.com"})

    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_sent")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_new_password_is_checked_by_the_password_validators(client, send, resident):
    send(client.post, RESET, {"email": "pat@example.com"})
    link = link_in(mail.outbox[0])

    response = client.post(link, {"password": "password"})

    html = response.content.decode()
    assert response.context["form_has_errors"] is True
    assert "Password must be 10 characters or more" in html
    assert '<a href="#id_password">' in html
    resident.refresh_from_db()
    assert not resident.check_password("password")


@pytest.mark.django_db
def test_a_long_password_without_symbols_or_numbers_is_accepted(client, send, resident):
    """No composition rules: length and a deny-list only (NCSC)."""
    send(client.post, RESET, {"email": "pat@example.com"})

    response = client.post(link_in(mail.outbox[0]), {"password": "marble giraffe teapot"})

    assert response.status_code == 302


@pytest.mark.django_db
def test_resetting_the_password_ends_the_cool_off(client, send, resident, settings):
    for _ in range(settings.LOGIN_THROTTLE_FAILURES):
        client.post(reverse("accounts:sign_in"), {"email": "pat@example.com", "password": "no"})
    send(client.post, RESET, {"email": "pat@example.com"})

    client.post(link_in(mail.outbox[0]), {"password": NEW_PASSWORD})

    assert not SignInAttempt.objects.filter(email="pat@example.com").exists()
