"""My Account's permits (see, renew in two clicks to Pay, cancel) and the desk's permit list,
over HTTP against the Pay sandbox."""

from datetime import timedelta

import pytest
from django.test import Client

from townhall.accounts.models import Department, User
from townhall.payments.models import Payment, Refund
from townhall.permits.models import Permit
from townhall.permits.tests.test_permits import SUCCESS, _end_soon, _paid_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(scheme, pay_sandbox) -> Permit:
    return Permit.objects.get(case=_paid_case(scheme, pay_sandbox))


def _resident(permit: Permit) -> Client:
    client = Client()
    assert permit.holder is not None
    client.force_login(permit.holder)
    return client


def test_the_confirmation_and_my_account_show_the_permit_number(permit):
    client = _resident(permit)
    session = permit.case.submission.form_session
    done = client.get(f"/services/{permit.scheme.service.slug}/{session.pk}/done/")
    assert permit.number in done.content.decode()
    page = client.get("/my-account/").content.decode()
    assert permit.number in page and "1 Orchard Way" in page
    assert f"/my-account/permits/{permit.number}/renew/" not in page  # not due for renewal
    detail = client.get(f"/my-account/permits/{permit.number}/").content.decode()
    assert "Cancel this permit" in detail


def test_another_resident_cannot_see_a_permit(permit):
    other = User.objects.create_user("other@example.com", "Other-pass-1")
    client = Client()
    client.force_login(other)
    assert client.get(f"/my-account/permits/{permit.number}/").status_code == 404
    assert client.get(f"/my-account/permits/{permit.number}/renew/").status_code == 404
    assert client.post(f"/my-account/permits/{permit.number}/cancel/").status_code == 404
    assert Permit.objects.get(pk=permit.pk).state == Permit.State.ACTIVE


def test_renewing_is_two_clicks_from_my_account_to_pay(permit, pay_sandbox, settings):
    _end_soon(permit, days=14)
    client = _resident(permit)
    account = client.get("/my-account/").content.decode()
    renew_url = f"/my-account/permits/{permit.number}/renew/"
    assert renew_url in account  # click 1
    check = client.get(renew_url).content.decode()
    assert "Check your renewal" in check and "£104" in check
    to_pay = client.post(renew_url)  # click 2
    again = client.post(renew_url)  # a double click: the same renewal and payment
    assert to_pay.status_code in (302, 303) and to_pay["Location"].startswith(settings.PAY_BASE_URL)
    assert again["Location"] == to_pay["Location"]
    renewal = Permit.objects.get(renews=permit)
    payment = Payment.objects.get(case=renewal.case)
    assert payment.amount_pence == 10400
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    back = client.get(f"/permits/return/{payment.return_token}/", follow=True)
    renewal.refresh_from_db()
    assert renewal.state == Permit.State.ACTIVE and renewal.number
    assert f"Your new permit number is {renewal.number}" in back.content.decode()
    assert renewal.starts_on == permit.ends_on + timedelta(days=1)
    assert client.get(f"/permits/return/{payment.return_token}/").status_code == 302
    assert Permit.objects.filter(renews=permit).count() == 1


def test_cancelling_shows_the_refund_then_refunds_it(
    permit, pay_sandbox, django_capture_on_commit_callbacks
):
    client = _resident(permit)
    url = f"/my-account/permits/{permit.number}/cancel/"
    ask = client.get(url).content.decode()
    assert "£94" in ask  # nothing used yet: all £104 back, less the £10 admin fee
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, follow=True)
    assert "is cancelled" in done.content.decode()
    assert Refund.objects.get().amount_pence == 9400
    assert client.post(url).status_code == 302  # again: refused, nothing more refunded
    assert Refund.objects.count() == 1


def test_officers_find_permits_of_their_departments_only(permit):
    officer = User.objects.create_user(
        "waste.officer@example.gov.uk", "Officer-pass-1", role=User.Role.OFFICER
    )
    officer.departments.add(permit.scheme.service.department)
    client = Client()
    client.force_login(officer)
    for query in (permit.number, "Orchard", "tn23 1aa", "Gardener", permit.uprn):
        page = client.get("/staff/permits/", {"q": query}).content.decode()
        assert permit.number in page, query
    assert permit.number not in client.get("/staff/permits/", {"q": "Nowhere"}).content.decode()
    housing = User.objects.create_user(
        "housing.officer@example.gov.uk", "Officer-pass-2", role=User.Role.OFFICER
    )
    housing.departments.add(Department.objects.create(name="Parks and gardens", slug="parks-x"))
    client.force_login(housing)
    assert permit.number not in client.get("/staff/permits/").content.decode()
