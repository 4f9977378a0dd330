"""Taking a card payment over the phone.

A starter takes the FeeDue and the agent and returns the URL of the payment page the agent
keys the caller's card into (GOV.UK Pay's MOTO journey, through townhall.payments); when Pay
confirms it, payments marks the fee paid itself. With the starter removed
(`card_payment_starter_register(None)`) the desk records the fee as due and says card payments
are not available: nothing is taken, nothing is lost.
"""

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from townhall.accounts.models import User
from townhall.payments.models import FeeDue, Payment
from townhall.payments.services import payment_start

CardPaymentStarter = Callable[[FeeDue, User], str]


def start_phone_payment(fee_due: FeeDue, agent: User) -> str:
    payment = payment_start(
        case=fee_due.case,
        return_url=lambda p: (
            settings.SITE_URL + reverse("desk:contact:pay_return", args=[p.return_token])
        ),
        channel=Payment.Channel.PHONE,
        actor=agent,
    )
    return payment.next_url


_starter: CardPaymentStarter | None = start_phone_payment


def card_payment_starter_register(starter: CardPaymentStarter | None) -> None:
    """Register (or, with None, remove) the function that starts a card payment."""
    global _starter
    _starter = starter


def card_payment_starter() -> CardPaymentStarter | None:
    return _starter
