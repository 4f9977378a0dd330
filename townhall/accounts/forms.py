"""Forms for the residents' account door.

Error messages follow the GOV.UK Design System: each one says exactly what to fix. The forms
only translate and validate input; the writes happen in `townhall.accounts.services`.
"""

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import User

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

EMAIL_FORMAT = _("Enter an email address in the correct format, like name@example.com")
PHONE_FORMAT = _("Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
MOBILE_FOR_SMS = _("Enter a mobile phone number to get text messages, like 07700 900 982")
POSTCODE_FORMAT = _("Enter a real postcode, like TN23 1AA")

# Kinder wording for Django's password validators; unknown codes keep their own message.
PASSWORD_MESSAGES = {
    "password_too_short": _("Password must be {min_length} characters or more"),
    "password_too_common": _(
        "Enter a password that is harder to guess. Try three random words together"
    ),
    "password_too_similar": _(
        "Enter a password that is not like your name or email address. "
        "Try three random words together"
    ),
    "password_entirely_numeric": _("Enter a password that is not only numbers"),
}

_UK_PHONE = re.compile(r"^(?:\+44|0044|0)\d{9,10}$")
_INTERNATIONAL_PHONE = re.compile(r"^\+\d{8,15}$")
_UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")


class TelInput(forms.TextInput):
    input_type = "tel"


class GovukForm(forms.Form):
    """A form that leaves validation to the server so GOV.UK error messages are shown."""

    use_required_attribute = False


def email_field(*, autocomplete: str = "email") -> forms.EmailField:
    return forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": EMAIL_FORMAT,
            "max_length": _("Email address must be 254 characters or fewer"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": autocomplete, "spellcheck": "false"}),
    )


def new_password_field(*, label: "StrOrPromise | None" = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Create a password"),
        strip=False,
        help_text=_("Use 10 characters or more. Three random words together work well."),
        error_messages={"required": _("Enter a password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def phone_field() -> forms.CharField:
    return forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=20,
        help_text=_("For international numbers include the country code"),
        error_messages={"max_length": PHONE_FORMAT},
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )


def phone_normalise(value: str) -> str:
    """Strip spaces and punctuation; raise ValidationError if it is not a phone number."""
    digits = re.sub(r"[\s\-().]", "", value or "")
    if not digits:
        return ""
    if not (_UK_PHONE.match(digits) or _INTERNATIONAL_PHONE.match(digits)):
        raise ValidationError(PHONE_FORMAT, code="invalid")
    return digits


def phone_is_mobile(phone: str) -> bool:
    """UK mobiles start 07; international numbers are taken on trust."""
    if phone.startswith("+") and not phone.startswith("+44"):
        return True
    return bool(_UK_MOBILE.match(phone))


def postcode_normalise(value: str) -> str:
    """Upper case with one space before the inward code, as Royal Mail writes it."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    if not compact:
        return ""
    match = _POSTCODE.match(compact)
    if not match:
        raise ValidationError(POSTCODE_FORMAT, code="invalid")
    return f"{match.group(1)} {match.group(2)}"


def password_check(password: str, *, user: User) -> None:
    """Run AUTH_PASSWORD_VALIDATORS, rewording their messages the GOV.UK way."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        messages = []
        for item in error.error_list:
            template = PASSWORD_MESSAGES.get(item.code or "")
            if template:
                messages.append(str(template).format(**(item.params or {})))
            else:
                messages.extend(item.messages)
        raise ValidationError(messages) from error


class RegisterForm(GovukForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        error_messages={
            "required": _("Enter your full name"),
            "max_length": _("Full name must be 150 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = email_field()
    password = new_password_field()
    phone = phone_field()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self) -> str:
        return phone_normalise(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password = cleaned.get("password")
        if password:
            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_check(password, user=probe)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class SignInForm(GovukForm):
    email = email_field(autocomplete="username")
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class EmailOnlyForm(GovukForm):
    """Magic link and password reset requests: just an email address."""

    email = email_field()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class SetPasswordForm(GovukForm):
    password = new_password_field(label=_("New password"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_check(password, user=self.user)
        return password


class DetailsForm(GovukForm):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        error_messages={
            "required": _("Enter your full name"),
            "max_length": _("Full name must be 150 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )


class PreferencesForm(GovukForm):
    notify_by_email = forms.BooleanField(label=_("Email"), required=False)
    notify_by_sms = forms.BooleanField(
        label=_("Text message"),
        required=False,
        help_text=_("We need a mobile phone number to send you text messages"),
    )
    phone = phone_field()
    address_line = forms.CharField(
        label=_("Address (optional)"),
        required=False,
        max_length=255,
        error_messages={"max_length": _("Address must be 255 characters or fewer")},
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("Postcode (optional)"),
        required=False,
        max_length=10,
        error_messages={"max_length": POSTCODE_FORMAT},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )

    def clean_phone(self) -> str:
        return phone_normalise(self.cleaned_data.get("phone", ""))

    def clean_postcode(self) -> str:
        return postcode_normalise(self.cleaned_data.get("postcode", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # The error goes on the phone field: that is the thing the person has to fix.
        if cleaned.get("notify_by_sms") and "phone" not in self.errors:
            phone = cleaned.get("phone", "")
            if not phone or not phone_is_mobile(phone):
                self.add_error("phone", MOBILE_FOR_SMS)
        return cleaned
