import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from townhall.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from townhall.accounts.tests.factories import PASSWORD, UserFactory

STATUS = reverse("accounts:session_status")
EXTEND = reverse("accounts:session_extend")


def idle_for(client, seconds):
    session = client.session
    session[SESSION_LAST_SEEN] = int(time.time()) - seconds
    session.save()


@pytest.fixture
def signed_in(client, resident):
    client.post(reverse("accounts:sign_in"), {"email": "pat@example.com", "password": PASSWORD})
    return client


@pytest.mark.django_db
def test_sign_in_starts_the_session_clocks(signed_in):
    now = int(time.time())

    assert abs(signed_in.session[SESSION_STARTED] - now) <= 2
    assert abs(signed_in.session[SESSION_LAST_SEEN] - now) <= 2


@pytest.mark.django_db
def test_idle_session_is_signed_out_and_told_why(signed_in):
    idle_for(signed_in, settings.SESSION_IDLE_TIMEOUT + 1)

    response = signed_in.get(reverse("portal:my_account"), follow=True)

    assert "_auth_user_id" not in signed_in.session
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:sign_in"))
    assert "You were signed out because you were inactive" in response.content.decode()


@pytest.mark.django_db
def test_inactivity_message_is_shown_only_once(signed_in):
    idle_for(signed_in, settings.SESSION_IDLE_TIMEOUT + 1)
    signed_in.get(reverse("portal:my_account"), follow=True)

    again = signed_in.get(reverse("accounts:sign_in"))

    assert "inactive" not in again.content.decode()


@pytest.mark.django_db
def test_session_status_reports_seconds_left(signed_in):
    idle_for(signed_in, 100)

    data = signed_in.get(STATUS).json()

    assert data["signed_in"] is True
    assert (
        settings.SESSION_IDLE_TIMEOUT - 102
        <= data["seconds_left"]
        <= (settings.SESSION_IDLE_TIMEOUT - 100)
    )


@pytest.mark.django_db
def test_session_status_does_not_count_as_activity(signed_in):
    idle_for(signed_in, 100)
    last_seen = signed_in.session[SESSION_LAST_SEEN]

    signed_in.get(STATUS)
    signed_in.get(STATUS)

    assert signed_in.session[SESSION_LAST_SEEN] == last_seen


@pytest.mark.django_db
def test_session_status_for_a_signed_out_visitor(client):
    assert client.get(STATUS).json() == {"signed_in": False, "seconds_left": 0}


@pytest.mark.django_db
def test_session_extend_restarts_the_idle_clock(signed_in):
    idle_for(signed_in, settings.SESSION_IDLE_TIMEOUT - 60)

    data = signed_in.post(EXTEND).json()

    assert data["signed_in"] is True
    assert data["seconds_left"] >= settings.SESSION_IDLE_TIMEOUT - 2
    assert abs(signed_in.session[SESSION_LAST_SEEN] - int(time.time())) <= 2


@pytest.mark.django_db
def test_session_extend_needs_post(signed_in):
    assert signed_in.get(EXTEND).status_code == 405


@pytest.mark.django_db
def test_session_extend_needs_a_csrf_token(resident):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(resident)

    assert strict.post(EXTEND).status_code == 403


@pytest.mark.django_db
def test_session_extend_after_the_timeout_does_not_revive_the_session(signed_in):
    idle_for(signed_in, settings.SESSION_IDLE_TIMEOUT + 1)

    response = signed_in.post(EXTEND)

    assert response.status_code == 401
    assert "_auth_user_id" not in signed_in.session


# Staff time out sooner ------------------------------------------------------------------------


@pytest.fixture
def staff_signed_in(client, db):
    client.force_login(UserFactory(email="officer@example.gov.uk", role="officer"))
    return client


def test_staff_and_resident_idle_limits_are_15_and_30_minutes():
    assert (settings.STAFF_SESSION_IDLE_TIMEOUT, settings.SESSION_IDLE_TIMEOUT) == (900, 1800)


@pytest.mark.django_db
def test_staff_are_signed_out_after_the_staff_idle_limit(staff_signed_in):
    idle_for(staff_signed_in, settings.STAFF_SESSION_IDLE_TIMEOUT + 1)

    response = staff_signed_in.get(reverse("desk:home"), follow=True)

    assert "_auth_user_id" not in staff_signed_in.session
    assert "You were signed out because you were inactive" in response.content.decode()


@pytest.mark.django_db
def test_staff_just_inside_the_staff_idle_limit_stay_signed_in(staff_signed_in):
    idle_for(staff_signed_in, settings.STAFF_SESSION_IDLE_TIMEOUT - 30)

    left = staff_signed_in.get(STATUS).json()["seconds_left"]
    response = staff_signed_in.get(reverse("desk:home"))

    assert 25 <= left <= 30
    assert response.status_code == 200
    assert f'data-session-idle="{settings.STAFF_SESSION_IDLE_TIMEOUT}"' in response.content.decode()


@pytest.mark.django_db
def test_residents_idle_longer_than_the_staff_limit_stay_signed_in(signed_in):
    idle_for(signed_in, settings.STAFF_SESSION_IDLE_TIMEOUT + 60)

    response = signed_in.get(reverse("portal:my_account"))

    assert response.status_code == 200
    assert f'data-session-idle="{settings.SESSION_IDLE_TIMEOUT}"' in response.content.decode()
