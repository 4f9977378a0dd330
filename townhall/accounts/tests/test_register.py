import pytest
from django.core import mail
from django.urls import reverse

from townhall.accounts.models import User
from townhall.accounts.tests.helpers import link_in
from townhall.integrations.models import SentMessage

REGISTER = {
    "full_name": "Sam Resident",
    "email": "Sam@Example.com",
    "password": "plum orchard lantern",
    "phone": "07700 900 982",
}


@pytest.mark.django_db
def test_register_creates_unverified_resident_and_emails_a_verification_link(client, send):
    response = send(client.post, reverse("accounts:register"), REGISTER)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_check_email")
    user = User.objects.get()
    assert user.email == "sam@example.com"
    assert user.role == User.Role.RESIDENT
    assert user.phone == "07700900982"
    assert user.email_verified_at is None
    assert user.check_password("plum orchard lantern")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.com"]
    assert mail.outbox[0].subject == "Confirm your email address"


@pytest.mark.django_db
def test_verification_link_sets_email_verified_at(client, send):
    send(client.post, reverse("accounts:register"), REGISTER)

    response = client.get(link_in(mail.outbox[0]))

    assert response.status_code == 200
    assert b"Email address confirmed" in response.content
    assert User.objects.get().email_verified_at is not None


@pytest.mark.django_db
def test_tampered_verification_link_is_refused(client, send):
    send(client.post, reverse("accounts:register"), REGISTER)

    response = client.get(link_in(mail.outbox[0]).rstrip("/") + "x/")

    assert b"This link has expired" in response.content
    assert User.objects.get().email_verified_at is None


@pytest.mark.django_db
def test_new_account_can_sign_in_before_verifying(client, send):
    send(client.post, reverse("accounts:register"), REGISTER)

    response = client.post(
        reverse("accounts:sign_in"), {"email": "sam@example.com", "password": REGISTER["password"]}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_account")


@pytest.mark.django_db
def test_registering_an_existing_email_creates_no_duplicate_and_looks_the_same(
    client, send, resident
):
    fresh = send(client.post, reverse("accounts:register"), {**REGISTER, "email": "new@ex.com"})
    again = send(
        client.post, reverse("accounts:register"), {**REGISTER, "email": "PAT@example.com"}
    )

    assert again.status_code == fresh.status_code == 302
    assert again["Location"] == fresh["Location"]
    assert User.objects.filter(email__iexact="pat@example.com").count() == 1
    resident.refresh_from_db()
    assert resident.full_name == "Pat Example"
    assert [m.subject for m in mail.outbox] == [
        "Confirm your email address",
        "You already have an account",
    ]
    assert mail.outbox[1].to == ["pat@example.com"]


@pytest.mark.django_db
def test_register_shows_gov_uk_errors_that_say_what_to_fix(client):
    response = client.post(
        reverse("accounts:register"),
        {"full_name": "", "email": "not-an-email", "password": "short", "phone": "12"},
    )

    html = response.content.decode()
    assert response.context["form_has_errors"] is True
    assert "<title>Error: Create an account" in html
    assert 'data-module="govuk-error-summary"' in html
    assert '<a href="#id_email">Enter an email address in the correct format' in html
    assert "Enter your full name" in html
    assert "Password must be 10 characters or more" in html
    assert "Enter a telephone number, like 01632 960 001" in html
    assert '<span class="govuk-visually-hidden">Error:</span>' in html
    assert "govuk-form-group--error" in html
    assert "govuk-input--error" in html
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_register_password_field_allows_paste_and_uses_new_password_autocomplete(client):
    html = client.get(reverse("accounts:register")).content.decode()

    assert 'autocomplete="new-password"' in html
    assert "onpaste" not in html
    assert 'autocomplete="off"' not in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_mail_server_failure_does_not_lose_the_registration(client, send, monkeypatch):
    def broken(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)

    response = send(client.post, reverse("accounts:register"), REGISTER)

    assert response["Location"] == reverse("accounts:register_check_email")
    assert User.objects.filter(email="sam@example.com").exists()
    # the message is kept, marked failed with the provider's error, for a retry

    message = SentMessage.objects.get(recipient="sam@example.com")
    assert message.status == "failed" and "mail server down" in message.last_error
