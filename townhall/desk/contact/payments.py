"""The hook for taking a card payment over the phone.

The GOV.UK Pay adapter is built elsewhere (integrations/pay). When it is ready it registers a
starter here, from its own app's ready():

    from townhall.desk.contact.payments import card_payment_starter_register
    card_payment_starter_register(start_phone_payment)

A starter takes the FeeDue and the agent and returns the URL of the payment page the agent
keys the caller's card into (GOV.UK Pay's MOTO journey); on success the adapter marks the fee
paid with `fee_due_mark_paid`. Until a starter is registered the desk records the fee as due
and says that card payments are not available yet: nothing is taken, nothing is lost.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from townhall.accounts.models import User
    from townhall.desk.contact.models import FeeDue

CardPaymentStarter = Callable[["FeeDue", "User"], str]

_starter: CardPaymentStarter | None = None


def card_payment_starter_register(starter: CardPaymentStarter | None) -> None:
    """Register (or, with None, remove) the function that starts a card payment."""
    global _starter
    _starter = starter


def card_payment_starter() -> CardPaymentStarter | None:
    return _starter
