"""How much of a permit is refunded when it is cancelled: pure, no database, so the council's
rules can be read in one table of tests (tests/test_refunds.py)."""

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


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
        return RefundQuote(0, monthly, 0, 0, "The permit has no whole months left.")
    if months <= none_last_months:
        return RefundQuote(
            months,
            monthly,
            0,
            0,
            f"There is no refund in the last {none_last_months} months of a permit.",
        )
    # A permit not begun, or cancelled on its first day, gets all of its price back.
    gross = price_pence if months >= period_months else months * monthly
    refund = max(gross - admin_fee_pence, 0)
    reason = f"{months} whole months left at £{monthly / 100:.2f} a month"
    if admin_fee_pence:
        reason += f", less a £{admin_fee_pence / 100:.2f} admin fee"
    return RefundQuote(months, monthly, min(admin_fee_pence, gross), refund, reason + ".")
