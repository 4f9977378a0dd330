"""Payments in the desk: refunds by the roles allowed, the reconciliation file for finance."""

import pytest
from django.test import Client
from django.utils import timezone

from townhall.accounts.models import User
from townhall.payments.services import payment_refresh, payment_start
from townhall.workflow.tests.helpers import case_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(catalogue, pay_sandbox):
    case = case_open(catalogue["subscribe-to-garden-waste-collection"], {})
    payment = payment_start(case=case, return_url=lambda p: "http://testserver/r")
    pay_sandbox.card_submit(payment.next_url, "4444333322221111")
    return payment_refresh(payment)


def _client(role: str, case=None) -> Client:
    user = User.objects.create_user(f"{role}@example.gov.uk", "Not-a-real-pass-1", role=role)
    if case is not None:
        user.departments.add(case.department)
    client = Client()
    client.force_login(user)
    return client


def test_a_team_lead_refunds_part_of_a_payment_from_the_case_page(
    paid, django_capture_on_commit_callbacks
):
    client = _client(User.Role.TEAM_LEAD, paid.case)
    page = client.get(f"/staff/cases/{paid.case.reference}/").content.decode()
    assert paid.reference in page and "Refund payment" in page
    url = f"/staff/cases/{paid.case.reference}/payments/{paid.pk}/refund/"
    refused = client.post(url, {"amount": "60.00", "reason": "Moved"}, follow=True)
    assert "at most £52.00" in refused.content.decode()
    # A refused refund shows the case page again (400) with the form's error on the amount.
    bad = client.post(url, {"amount": "12.345", "reason": "x"})
    assert bad.status_code == 400
    assert f'<a href="#refund-amount-{paid.pk}">Enter the amount' in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"amount": "£10.50", "reason": "Bin delivered late"})
    paid.refresh_from_db()
    assert paid.refunded_pence == 1050


def test_an_officer_sees_the_payment_but_cannot_refund(paid):
    client = _client(User.Role.OFFICER, paid.case)
    page = client.get(f"/staff/cases/{paid.case.reference}/").content.decode()
    assert paid.reference in page and "Refund payment" not in page
    url = f"/staff/cases/{paid.case.reference}/payments/{paid.pk}/refund/"
    assert client.post(url, {"amount": "1", "reason": "x"}).status_code == 403


def test_finance_downloads_the_days_reconciliation_file(paid):
    client = _client(User.Role.MANAGER)
    today = timezone.localdate()
    response = client.get(
        "/staff/payments/reconciliation/",
        {"day-day": today.day, "day-month": today.month, "day-year": today.year},
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="payments-{today.isoformat()}.csv"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert paid.reference in response.content.decode()
    bad = client.get(
        "/staff/payments/reconciliation/", {"day-day": "31", "day-month": "2", "day-year": "2026"}
    )
    assert bad.status_code == 400 and "Enter a real date" in bad.content.decode()
    assert _client(User.Role.OFFICER).get("/staff/payments/reconciliation/").status_code == 403
