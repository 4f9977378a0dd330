"""Permits issued when paid (once, by the webhook or the payer's return), renewed at today's
price, reminded once, expired, cancelled with a pro rata refund, against the Pay sandbox."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.core.models import AuditEvent
from townhall.eforms.services import form_session_start, submission_submit
from townhall.integrations.models import SentMessage
from townhall.payments.models import Payment, Refund
from townhall.payments.services import payment_refresh, payment_start
from townhall.payments.tests.test_payments import _webhook
from townhall.permits.models import Permit, PermitScheme
from townhall.permits.notices import permit_reminder_send
from townhall.permits.selectors import (
    address_has_active_permit,
    address_has_garden_permit,
    permit_for_case,
    permits_of_resident,
)
from townhall.permits.services import (
    PERMIT_CHANGED,
    cancellation_quote,
    permit_cancel,
    permit_change_listener_register,
    permit_renew,
    permit_scheme_remove,
    permit_scheme_set,
    permits_expire,
    renewal_quote,
    today_in_london,
)
from townhall.permits.sweep import permits_remind, permits_sweep
from townhall.permits.tests.conftest import GARDEN, GARDEN_RULES
from townhall.places.models import Address, Street
from townhall.workflow.tests.helpers import case_open

pytestmark = pytest.mark.django_db
SUCCESS = "4444333322221111"


def _address() -> Address:
    street = Street.objects.create(
        usrn="99000001",
        name="Orchard Way",
        town="Kingsmead",
        start_lat=51.1,
        start_lon=0.87,
        end_lat=51.1,
        end_lon=0.88,
    )
    return Address.objects.create(
        uprn="100062000001", street=street, number_or_name="1", postcode="TN23 1AA",
        lat=51.1, lon=0.87,
    )  # fmt: skip


def _applied(service, *, bins=2, concession="no", email="gardener@example.com") -> Case:
    resident = User.objects.filter(email=email).first() or User.objects.create_user(
        email, "Garden-pass-1", full_name="Pat Gardener", phone="07700900123"
    )
    session = form_session_start(service=service, user=resident)
    session.answers = {
        "address": {"uprn": "100062000001", "text": "1 Orchard Way", "postcode": "TN23 1AA"},
        "bins": bins,
        "concession": concession,
        "has_bin": "yes",
        "start": "now",
        "terms": True,
    }
    session.save(update_fields=["answers"])
    return submission_submit(session=session)


def _paid(case: Case, pay_sandbox, **kwargs) -> Payment:
    payment = payment_start(case=case, return_url=lambda p: "http://testserver/r", **kwargs)
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    return payment_refresh(payment)


def test_paying_issues_one_permit_with_a_number_and_a_year(scheme, pay_sandbox):
    _address()
    case = _applied(scheme.service, bins=2, concession="yes")
    assert permit_for_case(case) is None
    payment = _paid(case, pay_sandbox)
    permit = Permit.objects.get(case=case)
    today = today_in_london()
    assert permit.state == Permit.State.ACTIVE and permit.payment == payment
    assert permit.number == f"GWP-{today.year}-000001"
    assert (permit.quantity, permit.concession, permit.price_pence) == (2, True, 5200)
    assert permit.starts_on == today and permit.ends_on == date(
        today.year + 1, today.month, today.day
    ) - timedelta(days=1)
    assert permit.address is not None and permit.holder is not None
    assert case.events.filter(text__contains=permit.number).count() == 1
    payment_refresh(payment)  # the payer comes back again: nothing more
    assert Permit.objects.count() == 1
    assert address_has_active_permit(permit.address, GARDEN, today)
    assert address_has_garden_permit(permit.address, today)
    assert not address_has_active_permit(permit.address, GARDEN, permit.ends_on + timedelta(1))
    assert not address_has_active_permit(permit.address, "report-fly-tipping", today)


def test_the_webhook_and_the_return_issue_the_permit_once(client, scheme, pay_sandbox):
    case = _applied(scheme.service)
    payment = payment_start(case=case, return_url=lambda p: "http://testserver/r")
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    assert _webhook(client, payment).status_code == 200
    assert _webhook(client, payment, message_id="m2").status_code == 200
    payment_refresh(Payment.objects.get(pk=payment.pk))  # the payer's return, afterwards
    assert Permit.objects.filter(case=case).count() == 1
    assert Permit.objects.get(case=case).number


def test_a_service_without_a_scheme_issues_no_permit(catalogue, pay_sandbox):
    # The demo's garden waste file sells permits: take its scheme away first.
    assert permit_scheme_remove(service=catalogue[GARDEN])
    case = _applied(catalogue[GARDEN])
    _paid(case, pay_sandbox)
    assert not Permit.objects.exists()


def test_a_fixed_council_year_runs_from_its_start(scheme, pay_sandbox):
    scheme.period_start, scheme.year_start_month, scheme.year_start_day = "fixed", 4, 1
    scheme.save()
    permit = Permit.objects.get(case=_paid_case(scheme, pay_sandbox))
    today = today_in_london()
    year = today.year if today >= date(today.year, 4, 1) else today.year - 1
    assert (permit.starts_on, permit.ends_on) == (date(year, 4, 1), date(year + 1, 3, 31))


def test_renewal_at_todays_price_follows_on_without_a_gap(scheme, pay_sandbox):
    first = Permit.objects.get(case=_paid_case(scheme, pay_sandbox))
    with pytest.raises(ValidationError, match="You can renew permit"):
        renewal_quote(first)  # not yet: renewal opens with the reminder
    _end_soon(first, days=10)
    scheme.service.fee_rules[0]["pence"] = 6000  # the council's new price
    scheme.service.save(update_fields=["fee_rules"])
    quote = renewal_quote(first)
    assert quote.price_pence == 12000 and quote.starts_on == first.ends_on + timedelta(1)
    renewal = permit_renew(permit=first, actor=first.holder)
    assert permit_renew(permit=first, actor=first.holder).pk == renewal.pk  # a double click
    assert renewal.state == Permit.State.PENDING_PAYMENT and renewal.number is None
    payment = _paid(renewal.case, pay_sandbox, amount_pence=renewal.price_pence)
    renewal.refresh_from_db()
    assert payment.amount_pence == 12000 and renewal.state == Permit.State.ACTIVE
    assert renewal.starts_on == first.ends_on + timedelta(1) and renewal.number != first.number
    with pytest.raises(ValidationError, match="renewed already"):
        permit_renew(permit=first, actor=first.holder)


def test_the_reminder_is_sent_once_by_email_and_sms(
    scheme, pay_sandbox, django_capture_on_commit_callbacks
):
    permit = Permit.objects.get(case=_paid_case(scheme, pay_sandbox))
    assert permits_remind() == 0  # a year to go
    _end_soon(permit, days=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert permits_remind() == 1
    assert permits_remind() == 0  # the sweep again: nothing more
    permit_reminder_send(permit.pk)  # the task retried: nothing more either
    reminders = [m for m in mail.outbox if "Renew your" in m.subject]
    assert len(reminders) == 1 and permit.number in reminders[0].subject
    assert SentMessage.objects.filter(channel="sms", correlation=permit.number).count() == 1


def test_a_permit_that_ends_expires_and_collections_stop(scheme, pay_sandbox):
    permit = Permit.objects.get(case=_paid_case(scheme, pay_sandbox))
    ended = permit.ends_on + timedelta(days=1)
    assert permits_expire(today=ended) == 1
    assert permits_expire(today=ended) == 0
    permit.refresh_from_db()
    assert permit.state == Permit.State.EXPIRED
    assert not address_has_active_permit(permit.address, GARDEN, permit.ends_on)
    assert not address_has_garden_permit(permit.address, permit.ends_on)
    assert permits_sweep() == {"expired": 0, "reminded": 0}


def test_cancelling_refunds_whole_months_left_less_the_fee(
    scheme, pay_sandbox, django_capture_on_commit_callbacks
):
    permit = Permit.objects.get(case=_paid_case(scheme, pay_sandbox))
    on = permit.starts_on + timedelta(days=100)  # 3 months and a bit gone: 8 whole months left
    assert cancellation_quote(permit, today=on).refund_pence == 8 * (10400 // 12) - 1000
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = permit_cancel(permit=permit, actor=permit.holder, today=on)
    assert cancelled.state == Permit.State.CANCELLED
    refund = Refund.objects.get()
    assert refund.amount_pence == 8 * 866 - 1000 and refund.status == Refund.Status.SUCCESS
    with pytest.raises(ValidationError, match="Only an active permit"):
        permit_cancel(permit=cancelled, actor=permit.holder, today=on)
    assert Refund.objects.count() == 1
    assert not address_has_active_permit(permit.address, GARDEN, on)


def _paid_case(scheme, pay_sandbox) -> Case:
    _address()
    case = _applied(scheme.service)
    _paid(case, pay_sandbox)
    return case


def _end_soon(permit: Permit, *, days: int) -> None:
    """Move the permit's period so it ends in `days` days."""
    today = timezone.localdate()
    Permit.objects.filter(pk=permit.pk).update(
        starts_on=today - timedelta(days=365 - days), ends_on=today + timedelta(days=days)
    )
    permit.refresh_from_db()


def test_a_scheme_with_a_bad_prefix_is_refused_and_the_same_rules_write_nothing(scheme):
    with pytest.raises(ValidationError, match="2 to 4 capital letters"):
        permit_scheme_set(service=scheme.service, number_prefix="gw-1")
    events = AuditEvent.objects.filter(object_type="permit_scheme").count()
    again = permit_scheme_set(service=scheme.service, **GARDEN_RULES)
    assert again.pk == scheme.pk
    assert AuditEvent.objects.filter(object_type="permit_scheme").count() == events
    assert PermitScheme.objects.get().number_prefix == "GWP"


def test_a_renewal_left_unpaid_is_given_up_and_a_new_one_can_start(scheme, pay_sandbox):
    first = Permit.objects.get(case=_paid_case(scheme, pay_sandbox))
    _end_soon(first, days=5)
    unpaid = permit_renew(permit=first, actor=first.holder)
    Case.objects.filter(pk=unpaid.case_id).update(status=Case.Status.CLOSED)  # released
    again = permit_renew(permit=first, actor=first.holder)
    assert again.pk != unpaid.pk
    assert Permit.objects.get(pk=unpaid.pk).state == Permit.State.CANCELLED
    assert list(permits_of_resident(first.holder)) == [first]  # never paid: not listed


def _checking_page(client, payment: Payment, way_back: str) -> str:
    """Back from Pay before the card is entered: Pay says the payment is still going on."""
    return_url = reverse(way_back, args=[payment.return_token])
    response = client.get(return_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "We are checking your payment" in page and payment.case.reference in page
    assert f'href="{return_url}">Check again' in page  # back the way it came
    return page


def test_back_from_pay_before_it_answers_the_application_and_renewal_show_checking_pages(
    client, scheme, pay_sandbox
):
    _address()
    applied = payment_start(case=_applied(scheme.service), return_url=lambda p: "http://t/r")
    _checking_page(client, applied, "portal:pay_return")
    pay_sandbox.card_submit(applied.next_url, SUCCESS)
    first = Permit.objects.get(case=payment_refresh(applied).case)
    _end_soon(first, days=10)
    renewal = permit_renew(permit=first, actor=first.holder)
    renewing = payment_start(
        case=renewal.case, amount_pence=renewal.price_pence, return_url=lambda p: "http://t/r"
    )
    _checking_page(client, renewing, "portal:permit_renew_return")


def test_the_permits_clock_queues_the_sweep(scheme, pay_sandbox):
    permit = Permit.objects.get(case=_paid_case(scheme, pay_sandbox))
    Permit.objects.filter(pk=permit.pk).update(
        starts_on=permit.starts_on - timedelta(days=400),
        ends_on=permit.ends_on - timedelta(days=400),
    )
    call_command("permits_clock", "--once")  # tests run tasks at once
    assert Permit.objects.get(pk=permit.pk).state == Permit.State.EXPIRED


def test_a_caller_without_an_account_paying_by_phone_gets_a_permit_in_their_name(
    scheme, pay_sandbox
):
    case = case_open(scheme.service, {}, contact_name="Ada Caller", contact_phone="07700900456")
    _paid(case, pay_sandbox, channel=Payment.Channel.PHONE)
    permit = Permit.objects.get(case=case)
    assert permit.holder is None and permit.holder_name == "Ada Caller"
    assert permit.state == Permit.State.ACTIVE and permit.number


def test_listeners_hear_of_permits_starting_and_ending_after_commit(
    scheme, pay_sandbox, django_capture_on_commit_callbacks
):
    heard: list[str] = []

    def listener() -> None:
        heard.append("changed")

    permit_change_listener_register(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            permit = Permit.objects.get(case=_paid_case(scheme, pay_sandbox))
        assert heard == ["changed"]
        with django_capture_on_commit_callbacks(execute=True):
            permits_expire(today=permit.ends_on + timedelta(days=1))
        assert heard == ["changed", "changed"]
    finally:
        PERMIT_CHANGED.unregister("townhall.permits.tests.test_permits." + listener.__qualname__)


def test_a_welsh_holder_is_told_everything_in_welsh_even_by_the_clock(
    scheme, pay_sandbox, django_capture_on_commit_callbacks
):
    """Issue 20: the permit, payment, reminder, cancellation and refund messages follow the
    holder's stored language, since the clock's reminder has no request to read one from."""
    User.objects.create_user(
        "gardener@example.com", "Garden-pass-1", full_name="Pat Gardener", phone="07700900123",
        language="cy",
    )  # fmt: skip
    permit = Permit.objects.get(case=_paid_case(scheme, pay_sandbox))
    told = list(permit.case.events.filter(is_public=True).values_list("text", flat=True))
    assert any(t.startswith("Rydym wedi cael eich taliad o £") for t in told), told
    issued = next(t for t in told if permit.number in t)
    assert issued.startswith(f"Rhif eich trwydded yw {permit.number}. Mae’n ddilys o ")
    _end_soon(permit, days=20)
    permit.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert permits_remind() == 1
    (reminder,) = [m for m in mail.outbox if permit.number in m.subject]
    with translation.override("cy"):
        ends = date_format(permit.ends_on, "j F Y")
    assert reminder.subject.startswith(f"Adnewyddu: mae trwydded {permit.number}")
    assert reminder.subject.endswith(f"yn dod i ben ar {ends}") and ends in reminder.body
    assert "Adnewyddwch hi yn Fy Nghyfrif" in reminder.body and "Renew" not in reminder.body
    sms = SentMessage.objects.get(channel="sms", correlation=permit.number)
    assert sms.body.endswith("Adnewyddwch hi yn Fy Nghyfrif.")
    permit.refresh_from_db()
    on = permit.starts_on + timedelta(days=100)
    with django_capture_on_commit_callbacks(execute=True):
        permit_cancel(permit=permit, actor=permit.holder, today=on)
    texts = list(permit.case.events.filter(is_public=True).values_list("text", flat=True))
    cancelled = next(t for t in texts if t.startswith(f"Mae trwydded {permit.number}"))
    assert "wedi’i chanslo" in cancelled and "y mis" in cancelled and "month" not in cancelled
    assert any(t.startswith("Rydym wedi ad-dalu £") for t in texts), texts


def test_a_renewal_is_written_to_in_the_language_of_the_permit_it_renews(scheme, pay_sandbox):
    permit = Permit.objects.get(case=_paid_case(scheme, pay_sandbox))
    Case.objects.filter(pk=permit.case_id).update(language="cy")  # applied in Welsh
    _end_soon(permit, days=10)
    permit.refresh_from_db()
    renewal = permit_renew(permit=permit, actor=permit.holder)
    assert renewal.case.language == "cy"
    assert renewal.case.events.get(kind="created").text.startswith("Rydym wedi cael eich cais")
