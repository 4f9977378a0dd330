import time

import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse

from townhall.accounts.tests.factories import PASSWORD
from townhall.accounts.tests.helpers import link_in
from townhall.core.models import AuditEvent

REQUEST = reverse("accounts:magic_link_request")


def ask_for_link(client, send, email="pat@example.com"):
    return send(client.post, REQUEST, {"email": email})


@pytest.mark.django_db
def test_magic_link_signs_in_once(client, send, resident):
    ask_for_link(client, send)
    link = link_in(mail.outbox[0])

    first = client.post(link)
    client.logout()
    second = client.post(link)

    assert first.status_code == 302
    assert first["Location"] == reverse("portal:my_account")
    assert second.status_code == 200
    assert b"This link has expired" in second.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sign_in", detail__method="magic_link").count() == 1


@pytest.mark.django_db
def test_opening_the_magic_link_only_shows_a_button(client, send, resident):
    """Mail scanners open links; only the button press may use the link up."""
    ask_for_link(client, send)
    link = link_in(mail.outbox[0])

    shown = client.get(link)
    used = client.post(link)

    assert b'<button type="submit" class="govuk-button"' in shown.content
    assert used.status_code == 302


@pytest.mark.django_db
def test_magic_link_stops_working_after_any_other_sign_in(client, send, resident):
    ask_for_link(client, send)
    link = link_in(mail.outbox[0])
    client.post(reverse("accounts:sign_in"), {"email": "pat@example.com", "password": PASSWORD})
    client.logout()

    response = client.post(link)

    assert b"This link has expired" in response.content


@pytest.mark.django_db
def test_magic_link_expires(client, send, resident, monkeypatch):
    too_old = int(time.time()) - settings.MAGIC_LINK_MAX_AGE - 1
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(too_old)
    )
    ask_for_link(client, send)
    monkeypatch.undo()
    link = link_in(mail.outbox[0])

    response = client.post(link)

    assert b"This link has expired" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_magic_link_request_looks_the_same_whether_or_not_the_email_exists(client, send, resident):
    known = ask_for_link(client, send, "pat@example.com")
    unknown = ask_for_link(client, send, "nobody@example.com")

    assert known["Location"] == unknown["Location"] == reverse("accounts:magic_link_sent")
    assert [m.to for m in mail.outbox] == [["pat@example.com"]]
    page = client.get(unknown["Location"]).content.decode()
    assert "If <strong>nobody@example.com</strong> has an account" in page


@pytest.mark.django_db
def test_magic_link_confirms_the_email_address(client, send, resident):
    ask_for_link(client, send)

    client.post(link_in(mail.outbox[0]))

    resident.refresh_from_db()
    assert resident.email_verified_at is not None


@pytest.mark.django_db
def test_magic_link_works_during_a_password_cool_off(client, send, resident):
    for _ in range(settings.LOGIN_THROTTLE_FAILURES):
        client.post(reverse("accounts:sign_in"), {"email": "pat@example.com", "password": "no"})
    ask_for_link(client, send)

    response = client.post(link_in(mail.outbox[0]))

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(resident.pk)


@pytest.mark.django_db
def test_magic_link_just_inside_its_lifetime_still_works(client, send, resident, monkeypatch):
    recent = int(time.time()) - settings.MAGIC_LINK_MAX_AGE + 30
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(recent)
    )
    ask_for_link(client, send)
    monkeypatch.undo()

    response = client.post(link_in(mail.outbox[0]))

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_resident_who_chose_welsh_gets_their_sign_in_link_in_welsh(client, send, resident):
    resident.language = "cy"
    resident.save(update_fields=["language"])
    ask_for_link(client, send)
    message = mail.outbox[0]
    assert message.subject == "Eich dolen fewngofnodi"
    assert message.body.startswith(f"Annwyl {resident.full_name},")
    assert "Mae’r ddolen yn gweithio unwaith" in message.body
    assert link_in(message)  # the link itself is the same in both languages
