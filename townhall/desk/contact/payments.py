"""Taking a card payment over the phone.

A starter takes the FeeDue and the agent and returns the URL of the payment page the agent
keys the caller's card into (GOV.UK Pay's MOTO journey, through townhall.payments); when Pay
confirms it, `fee_due_paid` marks the fee paid. With the starter removed
(`card_payment_starter_register(None)`) the desk records the fee as due and says card payments
are not available: nothing is taken, nothing is lost.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import reverse

from townhall.accounts.models import User
from townhall.desk.contact.models import FeeDue
from townhall.desk.contact.services import fee_due_mark_paid
from townhall.payments.models import Payment
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


def fee_due_paid(payment: Any) -> None:
    """Listener: a payment of a case with a fee due by phone was confirmed by Pay."""
    fee_due = FeeDue.objects.filter(case=payment.case).first()
    if fee_due is not None:
        fee_due_mark_paid(fee_due=fee_due, payment_reference=payment.reference)


_starter: CardPaymentStarter | None = start_phone_payment


def card_payment_starter_register(starter: CardPaymentStarter | None) -> None:
    """Register (or, with None, remove) the function that starts a card payment."""
    global _starter
    _starter = starter


def card_payment_starter() -> CardPaymentStarter | None:
    return _starter
