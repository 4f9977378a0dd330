import pytest
from django.urls import reverse

from townhall.accounts.models import User
from townhall.accounts.tests.factories import PASSWORD, UserFactory
from townhall.core.models import AuditEvent

SIGN_IN = reverse("accounts:sign_in")


@pytest.mark.django_db
def test_resident_signs_in_with_any_case_of_email_and_goes_to_my_account(client, resident):
    response = client.post(SIGN_IN, {"email": "  PAT@Example.COM ", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:my_account")
    assert client.session["_auth_user_id"] == str(resident.pk)


@pytest.mark.django_db
def test_staff_signing_in_here_go_to_the_staff_desk(client):
    UserFactory(email="officer@example.gov.uk", role=User.Role.OFFICER)

    response = client.post(SIGN_IN, {"email": "officer@example.gov.uk", "password": PASSWORD})

    assert response["Location"] == "/staff/"


@pytest.mark.django_db
def test_sign_in_gives_a_new_session_key(client, resident):
    session = client.session
    session["before"] = True
    session.save()
    key_before = session.session_key

    client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert client.session.session_key != key_before


@pytest.mark.django_db
def test_wrong_password_is_refused_with_an_error_summary_and_audited(client, resident):
    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": "wrong password"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form_has_errors"] is True
    assert 'data-module="govuk-error-summary"' in html
    assert '<a href="#id_email">Enter the email address and password for your account' in html
    assert '<p id="id_email-error" class="govuk-error-message">' in html
    failure = AuditEvent.objects.get(action="sign_in_failed")
    assert failure.subject_user_id == resident.pk
    assert failure.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_successful_sign_in_is_audited(client, resident):
    client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    event = AuditEvent.objects.get(action="sign_in")
    assert event.actor == resident
    assert event.detail["method"] == "password"


@pytest.mark.django_db
def test_empty_sign_in_form_says_what_to_enter(client):
    html = client.post(SIGN_IN, {"email": "", "password": ""}).content.decode()

    assert '<a href="#id_email">Enter your email address</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


@pytest.mark.django_db
def test_badly_formatted_email_gets_the_gov_uk_format_message(client):
    html = client.post(SIGN_IN, {"email": "pat.example.com", "password": "x"}).content.decode()

    assert "Enter an email address in the correct format, like name@example.com" in html


@pytest.mark.django_db
def test_inactive_account_cannot_sign_in(client, resident):
    resident.is_active = False
    resident.save()

    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_safe_next_is_honoured(client, resident):
    response = client.post(
        SIGN_IN, {"email": "pat@example.com", "password": PASSWORD, "next": "/services/"}
    )

    assert response["Location"] == "/services/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "http://testserver.evil.example.com/",
        "/\\evil.example.com",
        "javascript:alert(1)",
    ],
)
def test_next_pointing_off_site_is_ignored(client, resident, next_url):
    response = client.post(
        SIGN_IN, {"email": "pat@example.com", "password": PASSWORD, "next": next_url}
    )

    assert response["Location"] == reverse("portal:my_account")


@pytest.mark.django_db
def test_sign_in_page_keeps_a_safe_next_and_drops_an_unsafe_one(client):
    safe = client.get(SIGN_IN, {"next": "/services/"}).content.decode()
    unsafe = client.get(SIGN_IN, {"next": "https://evil.example.com/"}).content.decode()

    assert 'name="next" value="/services/"' in safe
    assert "evil.example.com" not in unsafe


@pytest.mark.django_db
def test_sign_in_page_uses_password_autocomplete_and_allows_paste(client):
    html = client.get(SIGN_IN).content.decode()

    assert 'autocomplete="current-password"' in html
    assert 'autocomplete="username"' in html
    assert "onpaste" not in html
    assert "<script>" not in html
    assert "style=" not in html
    assert html.count("<h1") == 1
