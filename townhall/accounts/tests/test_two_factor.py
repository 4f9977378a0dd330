"""Staff sign-in with a code from an authenticator app (TOTP)."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.accounts.models import User
from townhall.core.tests.browser import new_page

pytestmark = pytest.mark.django_db
PASSWORD = "Officer-demo-12345"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer() -> User:
    return User.objects.create_user("olive@example.gov.uk", PASSWORD, role=User.Role.OFFICER)


def _signed_in(user: User) -> Client:
    client = Client()
    response = client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6, drift=drift):06d}"


def test_without_an_app_and_not_required_staff_go_straight_in(officer, settings):
    settings.STAFF_2FA_REQUIRED = False
    assert _signed_in(officer).get("/staff/").status_code == 200


def test_when_required_staff_set_up_an_app_before_anything_else(officer, settings):
    settings.STAFF_2FA_REQUIRED = True
    client = _signed_in(officer)
    response = client.get("/staff/work/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/account/two-factor/setup/"
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "<svg" in html and page["Cache-Control"] == "no-store"
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post("/account/two-factor/setup/", {"code": "123456", "next": "/staff/work/"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    ok = client.post("/account/two-factor/setup/", {"code": _code(device), "next": "/staff/work/"})
    assert ok["Location"] == "/staff/work/"
    assert client.get("/staff/work/").status_code == 200
    assert TOTPDevice.objects.get(user=officer).confirmed


def test_staff_with_an_app_must_enter_a_code_each_session(officer, settings):
    settings.STAFF_2FA_REQUIRED = False
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client = _signed_in(officer)
    response = client.get("/staff/")
    assert response["Location"].startswith("/account/two-factor/?next=")
    assert client.post("/account/two-factor/", {"code": "abc"}).status_code == 400
    assert client.get("/staff/").status_code == 302  # still not in
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    client.post("/account/two-factor/", {"code": _code(device), "next": "/staff/"})
    assert client.get("/staff/").status_code == 200
    # A new session asks again.
    assert _signed_in(officer).get("/staff/").status_code == 302


def test_wrong_codes_slow_down_the_next_try_even_for_the_right_code(officer):
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client = _signed_in(officer)
    client.post("/account/two-factor/", {"code": "000000"})
    refused = client.post("/account/two-factor/", {"code": _code(device)})
    assert refused.status_code == 400 and "Too many wrong codes" in refused.content.decode()
    assert client.get("/staff/").status_code == 302


def test_residents_are_never_asked(settings):
    settings.STAFF_2FA_REQUIRED = True
    resident = User.objects.create_user("rae@example.com", PASSWORD)
    client = _signed_in(resident)
    assert client.get("/my-account/").status_code == 200
    assert client.get("/account/two-factor/setup/").status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_factor_pages_pass_axe_at_320px(live_server, browser, settings):
    settings.STAFF_2FA_REQUIRED = True
    officer = User.objects.create_user("axe@example.gov.uk", PASSWORD, role=User.Role.OFFICER)
    checked = new_page(browser, viewport={"width": 320, "height": 640})
    page = checked.page
    page.goto(live_server.url + "/staff/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/setup/**")
    checked.check("two-factor setup")
    page.get_by_role("button", name="Continue").click()
    checked.check("two-factor setup, error")
    device = TOTPDevice.objects.get(user=officer)
    page.get_by_label("Code from the app").fill(_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/")
    page.context.clear_cookies()
    page.goto(live_server.url + "/staff/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/?**")
    checked.check("two-factor code")
