from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from townhall.accounts.models import SignInAttempt
from townhall.accounts.tests.factories import PASSWORD

SIGN_IN = reverse("accounts:sign_in")
TOO_MANY = "Too many attempts. Try again in 15 minutes, or sign in with a link by email"


def fail(client, email="pat@example.com", times=1):
    for _ in range(times):
        response = client.post(SIGN_IN, {"email": email, "password": "not my password"})
    return response


def travel_back(delta):
    for attempt in SignInAttempt.objects.all():
        attempt.at -= delta
        attempt.save()


@pytest.mark.django_db
def test_failures_below_the_limit_do_not_block_the_right_password(client, resident):
    fail(client, times=settings.LOGIN_THROTTLE_FAILURES - 1)

    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert response.status_code == 302


@pytest.mark.django_db
def test_reaching_the_limit_refuses_even_the_right_password(client, resident):
    last_failure = fail(client, times=settings.LOGIN_THROTTLE_FAILURES)

    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert TOO_MANY in last_failure.content.decode()
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A refused attempt does not make the wait longer.
    assert SignInAttempt.objects.count() == settings.LOGIN_THROTTLE_FAILURES


@pytest.mark.django_db
def test_throttle_counts_the_email_whatever_its_case(client, resident):
    fail(client, email="PAT@example.com", times=settings.LOGIN_THROTTLE_FAILURES)

    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert TOO_MANY in response.content.decode()


@pytest.mark.django_db
def test_throttle_cools_off_after_the_cool_off_period(client, resident):
    fail(client, times=settings.LOGIN_THROTTLE_FAILURES)
    travel_back(settings.LOGIN_THROTTLE_COOL_OFF + timedelta(seconds=1))

    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert response.status_code == 302


@pytest.mark.django_db
def test_throttle_still_applies_just_before_the_cool_off_ends(client, resident):
    fail(client, times=settings.LOGIN_THROTTLE_FAILURES)
    travel_back(settings.LOGIN_THROTTLE_COOL_OFF - timedelta(minutes=1))

    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert "Too many attempts. Try again in 1 minute," in response.content.decode()


@pytest.mark.django_db
def test_failures_spread_wider_than_the_window_do_not_throttle(client, resident):
    fail(client, times=settings.LOGIN_THROTTLE_FAILURES - 1)
    travel_back(settings.LOGIN_THROTTLE_WINDOW + timedelta(minutes=1))
    fail(client)

    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_successful_sign_in_clears_that_emails_failures(client, resident):
    fail(client, times=settings.LOGIN_THROTTLE_FAILURES - 1)
    fail(client, email="someone.else@example.com")

    client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert not SignInAttempt.objects.filter(email="pat@example.com").exists()
    assert SignInAttempt.objects.filter(email="someone.else@example.com").count() == 1


@pytest.mark.django_db
def test_many_failures_from_one_ip_address_throttle_other_emails_too(client, resident, settings):
    settings.LOGIN_THROTTLE_IP_FAILURES = 3
    for n in range(3):
        fail(client, email=f"guess{n}@example.com")

    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert "Too many attempts" in response.content.decode()


@pytest.mark.django_db
def test_throttled_page_offers_a_sign_in_link_by_email(client, resident):
    response = fail(client, times=settings.LOGIN_THROTTLE_FAILURES)

    assert reverse("accounts:magic_link_request") in response.content.decode()
