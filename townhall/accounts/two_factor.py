"""Two-factor sign-in for staff: a time-based code (TOTP, RFC 6238) from an authenticator app,
through django-otp. A member of staff with a confirmed app is always asked for a code; when
STAFF_2FA_REQUIRED is on (production), one without is sent to set one up first."""

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.accounts.models import User

DEVICE_NAME = "Authenticator app"


def totp_device_confirmed(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def staff_second_factor_needed(request: HttpRequest) -> str:
    """ "" when the signed-in member of staff may go on; "verify" when they must enter a code
    this session; "setup" when they must first set up an authenticator app."""
    user = request.user
    if not user.is_authenticated or user.is_verified():  # type: ignore[union-attr,attr-defined]
        return ""
    if totp_device_confirmed(user) is not None:  # type: ignore[arg-type]
        return "verify"
    return "setup" if settings.STAFF_2FA_REQUIRED else ""


def totp_device_unconfirmed(user: User) -> TOTPDevice:
    """The app being set up (made once, kept until confirmed, so a reload keeps its QR)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def totp_qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG QR code, drawn here (no third-party service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def totp_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class CodeRefused(Exception):
    """The code is wrong, or too many wrong codes came too fast: the message says which."""


def totp_code_check(request: HttpRequest, device: TOTPDevice, code: str) -> None:
    """Check a 6-digit code. Right: the device is confirmed and this session is verified.
    Wrong codes slow the next try down (exponentially), whatever the code."""
    code = "".join(code.split())
    allowed, detail = device.verify_is_allowed()
    if not allowed:
        wait = (detail or {}).get("locked_until")
        raise CodeRefused(
            gettext(
                "Too many wrong codes. Wait a minute, then enter the newest code from your app."
            )
            if wait is None
            else gettext(
                "Too many wrong codes. Wait a little, then enter the newest code from your app."
            )
        )
    if not (code.isdigit() and len(code) == 6):
        raise CodeRefused(gettext("Enter the 6-digit code from your authenticator app."))
    if not device.verify_token(code):
        raise CodeRefused(gettext("The code is not right. Enter the newest code from your app."))
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()
    otp_login(request, device)
