from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from townhall.accounts.models import SignInAttempt
from townhall.accounts.tests.factories import PASSWORD, UserFactory

SIGN_IN = reverse("accounts:sign_in")
TOO_MANY = "Too many attempts. Try again in 1 minute, or sign in with a link by email"


def fail(client, email="pat@example.com", times=1, **extra):
    for _ in range(times):
        response = client.post(SIGN_IN, {"email": email, "password": "not my password"}, **extra)
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
def test_throttle_ends_after_the_first_short_wait(client, resident):
    fail(client, times=settings.LOGIN_THROTTLE_FAILURES)
    travel_back(settings.LOGIN_THROTTLE_FIRST_WAIT + timedelta(seconds=1))

    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert response.status_code == 302


@pytest.mark.django_db
def test_throttle_still_applies_just_before_the_wait_ends(client, resident):
    fail(client, times=settings.LOGIN_THROTTLE_FAILURES)
    travel_back(settings.LOGIN_THROTTLE_FIRST_WAIT - timedelta(seconds=10))

    response = client.post(SIGN_IN, {"email": "pat@example.com", "password": PASSWORD})

    assert "Too many attempts. Try again in 1 minute," in response.content.decode()


@pytest.mark.django_db
def test_each_further_failure_doubles_the_wait_up_to_the_maximum(client, resident):
    fail(client, times=settings.LOGIN_THROTTLE_FAILURES)
    wait, waits = settings.LOGIN_THROTTLE_FIRST_WAIT, []
    for _ in range(5):
        travel_back(wait + timedelta(seconds=1))  # wait it out, then get it wrong again
        told = fail(client).content.decode().split("Try again in ", 1)[1].split(",", 1)[0]
        waits.append(told)
        wait = timedelta(minutes=int(told.split()[0]))

    assert waits == ["2 minutes", "4 minutes", "8 minutes", "15 minutes", "15 minutes"]


@pytest.mark.django_db
def test_refusals_during_the_wait_do_not_lengthen_it(client, resident):
    fail(client, times=settings.LOGIN_THROTTLE_FAILURES)
    for _ in range(10):
        response = fail(client)

    assert TOO_MANY in response.content.decode()
    assert SignInAttempt.objects.count() == settings.LOGIN_THROTTLE_FAILURES


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


# Behind a proxy -------------------------------------------------------------------------------

PROXY = "10.0.0.5"


@pytest.mark.django_db
def test_two_residents_behind_one_proxy_do_not_share_an_account_wait(client, resident, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    UserFactory(email="sam@example.com")
    fail(
        client,
        times=settings.LOGIN_THROTTLE_FAILURES,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    other = client.post(
        SIGN_IN,
        {"email": "sam@example.com", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    locked = client.post(
        SIGN_IN,
        {"email": "pat@example.com", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )

    assert other.status_code == 302
    assert TOO_MANY in locked.content.decode()  # the account's own wait, from any address
    assert set(SignInAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


@pytest.mark.django_db
def test_ip_throttle_counts_each_client_behind_a_trusted_proxy_apart(client, resident, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_THROTTLE_IP_FAILURES = 3
    for n in range(3):
        fail(
            client,
            email=f"guess{n}@example.com",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    elsewhere = client.post(
        SIGN_IN,
        {"email": "pat@example.com", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    client.logout()
    guesser = client.post(
        SIGN_IN,
        {"email": "pat@example.com", "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    assert elsewhere.status_code == 302
    assert "Too many attempts" in guesser.content.decode()


@pytest.mark.django_db
def test_a_forged_forwarded_for_from_an_untrusted_peer_does_not_escape_the_ip_throttle(
    client, resident, settings
):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.LOGIN_THROTTLE_IP_FAILURES = 3
    for n in range(3):  # a new made-up address each time, from one real one
        fail(
            client,
            email=f"guess{n}@example.com",
            REMOTE_ADDR="192.0.2.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )

    response = client.post(
        SIGN_IN,
        {"email": "pat@example.com", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.66",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )

    assert "Too many attempts" in response.content.decode()
    assert set(SignInAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.66"}
