"""The Django admin is reached only through the desk's sign-in (throttled) and, where staff
need one, its second factor."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "Admin-demo-12345"
ADMIN = "/django-admin/"
SIGN_IN = "/account/sign-in/"


@pytest.fixture
def administrator() -> User:
    return User.objects.create_user(
        "ada@example.gov.uk", PASSWORD, role=User.Role.ADMIN, is_staff=True, is_superuser=True
    )


def _signed_in(user: User) -> Client:
    client = Client()
    response = client.post(SIGN_IN, {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}"


def test_signed_out_visitors_are_sent_to_the_desks_sign_in(client):
    response = client.get(ADMIN, follow=True)

    assert response.redirect_chain[-1][0] == f"{SIGN_IN}?next={ADMIN}"


def test_the_admin_has_no_password_form_of_its_own(client, administrator):
    response = client.post(
        f"{ADMIN}login/?next={ADMIN}", {"username": administrator.email, "password": PASSWORD}
    )

    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    assert "_auth_user_id" not in client.session


def test_without_a_verified_app_the_admin_is_refused_where_staff_need_two_factor(
    administrator, settings
):
    settings.STAFF_2FA_REQUIRED = True
    client = _signed_in(administrator)

    index = client.get(ADMIN)
    login = client.get(index["Location"])

    assert index.status_code == 302
    assert login["Location"] == f"/account/two-factor/setup/?next={quote(ADMIN, safe='')}"
    assert client.get(f"{ADMIN}core/calendaroverride/").status_code == 302


def test_with_an_app_the_admin_opens_only_after_the_code(administrator, settings):
    settings.STAFF_2FA_REQUIRED = True
    device = TOTPDevice.objects.create(user=administrator, name="app", confirmed=True)
    client = _signed_in(administrator)
    login = client.get(client.get(ADMIN)["Location"])
    assert login["Location"] == f"/account/two-factor/?next={quote(ADMIN, safe='')}"

    verified = client.post("/account/two-factor/", {"code": _code(device), "next": ADMIN})

    assert verified["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert client.get(f"{ADMIN}core/calendaroverride/").status_code == 200


def test_where_two_factor_is_optional_staff_without_an_app_go_in(administrator, settings):
    settings.STAFF_2FA_REQUIRED = False

    assert _signed_in(administrator).get(ADMIN).status_code == 200


def test_staff_the_admin_is_not_for_are_told_so(settings):
    settings.STAFF_2FA_REQUIRED = False
    officer = User.objects.create_user("olive@example.gov.uk", PASSWORD, role=User.Role.OFFICER)
    client = _signed_in(officer)

    response = client.get(client.get(ADMIN)["Location"])

    assert response.status_code == 403
    assert "Your account cannot use the Django admin" in response.content.decode()


def test_the_admins_sign_in_is_throttled_after_repeated_wrong_passwords(client, administrator):
    next_admin = f"{SIGN_IN}?next={ADMIN}"
    for _ in range(settings.LOGIN_THROTTLE_FAILURES):
        client.post(next_admin, {"email": administrator.email, "password": "guess-guess-1"})

    response = client.post(next_admin, {"email": administrator.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many attempts. Try again in 1 minute" in response.content.decode()
    assert client.get(ADMIN).status_code == 302  # still outside
