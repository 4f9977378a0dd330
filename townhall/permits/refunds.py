"""How much of a permit is refunded when it is cancelled: pure, no database, so the council's
rules can be read in one table of tests (tests/test_refunds.py)."""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext, ngettext


@dataclass(frozen=True)
class RefundQuote:
    """What a cancellation gives back, and why (shown to the resident before they confirm)."""

    months_left: int
    monthly_pence: int
    admin_fee_pence: int
    refund_pence: int
    reason: str


def whole_months_left(*, on: date, starts_on: date, ends_on: date) -> int:
    """Whole months from `on` (or from the start, if it has not begun) to the end of the
    last day; a part month does not count."""
    start = max(on, starts_on)
    end = ends_on + timedelta(days=1)  # the period runs to the end of its last day
    if start >= end:
        return 0
    months = 0
    while start + relativedelta(months=months + 1) <= end:
        months += 1
    return months


def refund_pro_rata(
    *,
    price_pence: int,
    starts_on: date,
    ends_on: date,
    on: date,
    period_months: int,
    none_last_months: int,
    admin_fee_pence: int,
) -> RefundQuote:
    """Whole months left x the monthly price (the price paid over the period's months, in
    whole pence, rounded down; the whole price when no month has begun), less the admin fee; nothing in the last `none_last_months`
    months, and never below nothing."""
    monthly = price_pence // max(period_months, 1)
    months = whole_months_left(on=on, starts_on=starts_on, ends_on=ends_on)
    if months == 0:
        return RefundQuote(0, monthly, 0, 0, gettext("The permit has no whole months left."))
    if months <= none_last_months:
        return RefundQuote(
            months,
            monthly,
            0,
            0,
            ngettext(
                "There is no refund in the last %(count)s month of a permit.",
                "There is no refund in the last %(count)s months of a permit.",
                none_last_months,
            )
            % {"count": none_last_months},
        )
    # A permit not begun, or cancelled on its first day, gets all of its price back.
    gross = price_pence if months >= period_months else months * monthly
    refund = max(gross - admin_fee_pence, 0)
    left = {"count": months, "monthly": f"£{monthly / 100:.2f}"}
    if admin_fee_pence:
        reason = ngettext(
            "%(count)s whole month left at %(monthly)s a month, less a %(fee)s admin fee.",
            "%(count)s whole months left at %(monthly)s a month, less a %(fee)s admin fee.",
            months,
        ) % {**left, "fee": f"£{admin_fee_pence / 100:.2f}"}
    else:
        reason = (
            ngettext(
                "%(count)s whole month left at %(monthly)s a month.",
                "%(count)s whole months left at %(monthly)s a month.",
                months,
            )
            % left
        )
    return RefundQuote(months, monthly, min(admin_fee_pence, gross), refund, reason)
