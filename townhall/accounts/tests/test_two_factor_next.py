"""The 2FA pages carry `next` URL-encoded, so an address with &, # or spaces comes back whole,
and only ever send people on to this site."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils.encoding import iri_to_uri
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.accounts.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "Officer-demo-12345"
# A desk search whose words and filters would be split or cut if `next` were not encoded.
TARGET = "/staff/?q=fly tipping & dumping&status=open#results"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer() -> User:
    return User.objects.create_user("olive@example.gov.uk", PASSWORD, role=User.Role.OFFICER)


def _signed_in(user: User) -> Client:
    client = Client()
    assert (
        client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD}).status_code
        == 302
    )
    return client


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}"


def _next_of(location: str) -> str:
    (value,) = parse_qs(urlsplit(location).query)["next"]
    return value


def test_a_next_with_ampersands_hashes_and_spaces_survives_the_round_trip(officer, settings):
    settings.STAFF_2FA_REQUIRED = False
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client = _signed_in(officer)
    # Setup, for someone who already has an app, passes them on to the code page.
    to_verify = client.get("/account/two-factor/setup/", {"next": TARGET})
    assert to_verify.status_code == 302
    assert to_verify["Location"].startswith("/account/two-factor/?")
    assert _next_of(to_verify["Location"]) == TARGET
    page = client.get(to_verify["Location"]).content.decode()
    assert 'name="next" value="/staff/?q=fly tipping &amp; dumping&amp;status=open#results"' in page
    done = client.post("/account/two-factor/", {"code": _code(device), "next": TARGET})
    assert done["Location"] == iri_to_uri(TARGET)  # the same address; spaces sent as %20
    assert done["Location"] == "/staff/?q=fly%20tipping%20&%20dumping&status=open#results"


def test_a_required_setup_keeps_the_whole_next(officer, settings):
    settings.STAFF_2FA_REQUIRED = True
    client = _signed_in(officer)
    to_setup = client.get("/account/two-factor/", {"next": TARGET})
    assert to_setup["Location"].startswith("/account/two-factor/setup/?")
    assert _next_of(to_setup["Location"]) == TARGET


def test_signed_out_the_2fa_page_sends_to_sign_in_and_back_to_itself_whole():
    response = Client().get("/account/two-factor/", {"next": TARGET})
    assert response["Location"].startswith("/account/sign-in/?")
    back = _next_of(response["Location"])
    assert urlsplit(back).path == "/account/two-factor/"
    assert _next_of(back) == TARGET


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/",
        "//evil.example/staff/",
        "/\\evil.example",
        "https:/evil.example",
        "javascript:alert(1)",
        "http://testserver.evil.example/",
    ],
)
def test_an_off_site_next_is_ignored(officer, settings, elsewhere):
    settings.STAFF_2FA_REQUIRED = False
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client = _signed_in(officer)
    page = client.get("/account/two-factor/", {"next": elsewhere}).content.decode()
    assert "evil" not in page and "javascript" not in page
    done = client.post("/account/two-factor/", {"code": _code(device), "next": elsewhere})
    assert done["Location"] == "/staff/"
