"""A deny-list of breached passwords, checked offline.

NCSC and NIST advise checking new passwords against known-breached ones instead of imposing
composition rules. Django's CommonPasswordValidator covers the 20,000 most common; this adds
patterns seen in breaches of council and public-sector services (service names, the council's
own name, keyboard walks with years).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

_WALKS = ("qwerty", "asdfgh", "zxcvbn", "123456", "abcdef", "password", "letmein", "welcome")


class BreachedPasswordValidator:
    def __init__(self) -> None:
        council_words = re.findall(r"[a-z]{4,}", settings.COUNCIL_NAME.lower())
        self.words = set(_WALKS) | set(council_words) | {"council", "townhall", "kingsmead"}

    def validate(self, password: str, user=None) -> None:
        core = re.sub(r"[\d\W_]+", "", password.lower())
        if core in self.words or any(core == w * 2 for w in self.words) or len(set(password)) < 4:
            raise ValidationError(
                gettext(
                    "This password is too easy to guess: it appears in lists of breached "
                    "passwords. Try three random words together."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return gettext("Your password must not be one that is known from data breaches.")
