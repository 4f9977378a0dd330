"""The pro rata refund table: whole months left x the monthly price, less the admin fee,
nothing in the last months. Pure: no database."""

from datetime import date

import pytest

from townhall.permits.refunds import refund_pro_rata, whole_months_left

START, END = date(2026, 4, 1), date(2027, 3, 31)


@pytest.mark.parametrize(
    ("on", "months"),
    [
        (date(2026, 3, 1), 12),  # before it starts: every month
        (date(2026, 4, 1), 12),
        (date(2026, 4, 2), 11),  # a part month does not count
        (date(2026, 10, 1), 6),
        (date(2026, 10, 31), 5),
        (date(2027, 3, 1), 1),
        (date(2027, 3, 2), 0),
        (date(2027, 3, 31), 0),
        (date(2027, 4, 1), 0),  # after it ended
    ],
)
def test_whole_months_left(on, months):
    assert whole_months_left(on=on, starts_on=START, ends_on=END) == months


@pytest.mark.parametrize(
    ("price", "on", "none_last", "fee", "refund", "months"),
    [
        (5200, date(2026, 4, 1), 2, 1000, 5200 - 1000, 12),  # no month begun: all of it
        (5200, date(2026, 10, 1), 2, 1000, 6 * 433 - 1000, 6),  # 5200 // 12 = 433p a month
        (5200, date(2027, 1, 1), 2, 1000, 3 * 433 - 1000, 3),
        (5200, date(2027, 2, 1), 2, 1000, 0, 2),  # the last two months: nothing
        (5200, date(2027, 2, 1), 0, 1000, 0, 2),  # 866p less a £10 fee: never below nothing
        (5200, date(2027, 2, 1), 0, 0, 866, 2),
        (2600, date(2026, 7, 15), 2, 500, 8 * 216 - 500, 8),  # a concession, half the price
        (10400, date(2026, 4, 1), 2, 0, 10400, 12),  # all of it back, never more than paid
    ],
)
def test_refund_table(price, on, none_last, fee, refund, months):
    quote = refund_pro_rata(
        price_pence=price,
        starts_on=START,
        ends_on=END,
        on=on,
        period_months=12,
        none_last_months=none_last,
        admin_fee_pence=fee,
    )
    assert (quote.refund_pence, quote.months_left) == (refund, months)
    assert quote.reason


def test_no_refund_says_why_in_the_last_months():
    quote = refund_pro_rata(
        price_pence=5200,
        starts_on=START,
        ends_on=END,
        on=date(2027, 2, 10),
        period_months=12,
        none_last_months=2,
        admin_fee_pence=1000,
    )
    assert quote.refund_pence == 0 and "last 2 months" in quote.reason
