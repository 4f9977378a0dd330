import pytest
from django.core import mail
from django.urls import reverse

PREFERENCES = reverse("accounts:preferences")
DETAILS = reverse("accounts:details")


def preferences(**overrides):
    data = {
        "notify_by_email": "on",
        "phone": "",
        "address_line": "1 High Street, Kingsmead",
        "postcode": "tn231aa",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_preferences_need_sign_in(client):
    response = client.get(PREFERENCES)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in") + "?next=")


@pytest.mark.django_db
def test_preferences_are_saved_and_postcode_tidied(client, resident):
    client.force_login(resident)

    response = client.post(
        PREFERENCES, preferences(notify_by_sms="on", phone="07700 900 982"), follow=True
    )

    resident.refresh_from_db()
    assert response.redirect_chain[-1][0] == PREFERENCES
    assert "Your contact preferences have been saved" in response.content.decode()
    assert resident.notify_by_email is True
    assert resident.notify_by_sms is True
    assert resident.phone == "07700900982"
    assert resident.address_line == "1 High Street, Kingsmead"
    assert resident.postcode == "TN23 1AA"


@pytest.mark.django_db
def test_unticking_email_turns_email_updates_off(client, resident):
    client.force_login(resident)

    client.post(PREFERENCES, preferences(notify_by_email=None))

    resident.refresh_from_db()
    assert resident.notify_by_email is False


@pytest.mark.django_db
def test_text_messages_without_a_phone_number_get_a_clear_error(client, resident):
    client.force_login(resident)

    response = client.post(PREFERENCES, preferences(notify_by_sms="on", phone=""))

    html = response.content.decode()
    assert response.context["form_has_errors"] is True
    assert "<title>Error: " in html
    assert (
        '<a href="#id_phone">Enter a mobile phone number to get text messages, like 07700 900 982'
        in html
    )
    assert 'class="govuk-input govuk-input--error govuk-input--width-20" id="id_phone"' in html
    resident.refresh_from_db()
    assert resident.notify_by_sms is False


@pytest.mark.django_db
def test_text_messages_to_a_landline_get_a_clear_error(client, resident):
    client.force_login(resident)

    response = client.post(PREFERENCES, preferences(notify_by_sms="on", phone="01632 960 001"))

    assert "Enter a mobile phone number to get text messages" in response.content.decode()


@pytest.mark.django_db
def test_a_made_up_postcode_gets_a_clear_error(client, resident):
    client.force_login(resident)

    response = client.post(PREFERENCES, preferences(postcode="NOT A CODE"))

    assert '<a href="#id_postcode">Enter a real postcode, like TN23 1AA</a>' in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_preferences_page_shows_current_choices_in_one_fieldset(client, resident):
    resident.notify_by_email = True
    resident.save()
    client.force_login(resident)

    html = client.get(PREFERENCES).content.decode()

    assert 'id="id_notify_by_email" name="notify_by_email" type="checkbox" checked' in html
    assert (
        'id="id_notify_by_sms" name="notify_by_sms" type="checkbox" '
        'aria-describedby="id_notify_by_sms-hint">'
    ) in html
    assert html.count("<h1") == 1
    assert 'for="id_phone"' in html and 'for="id_postcode"' in html


@pytest.mark.django_db
def test_details_change_the_full_name(client, resident):
    client.force_login(resident)

    response = client.post(DETAILS, {"full_name": "Patricia Example"})

    resident.refresh_from_db()
    assert response["Location"] == PREFERENCES
    assert resident.full_name == "Patricia Example"


@pytest.mark.django_db
def test_details_need_a_name(client, resident):
    client.force_login(resident)

    response = client.post(DETAILS, {"full_name": "  "})

    assert '<a href="#id_full_name">Enter your full name</a>' in response.content.decode()
    resident.refresh_from_db()
    assert resident.full_name == "Pat Example"


@pytest.mark.django_db
def test_unverified_resident_can_ask_for_a_new_verification_link(client, send, resident):
    client.force_login(resident)

    response = send(client.post, reverse("accounts:verify_email_resend"))

    assert response["Location"] == reverse("accounts:register_check_email")
    assert [m.subject for m in mail.outbox] == ["Confirm your email address"]
