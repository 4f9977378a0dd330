"""Writes for permits: issued when paid, renewed, cancelled with a pro rata refund, expired.

A permit is issued by the payment of its case (payments' "payment paid" hook, in the
transaction that records the payment: a payment is recorded paid once, so a permit is issued
once whether the webhook or the payer's return gets there first). A renewal is a new case
with its own payment, at today's price for the same bins and concession.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.cases.notifications import case_language
from townhall.cases.services import case_add_note, case_create
from townhall.core.audit import audit_record
from townhall.core.calendars import LONDON
from townhall.core.hooks import ErrorPolicy, Hook
from townhall.eforms.services import submission_fee
from townhall.payments.models import Payment
from townhall.payments.refunds import refund_request
from townhall.permits.models import Permit, PermitScheme
from townhall.permits.numbers import PREFIX_PATTERN, permit_number_next
from townhall.permits.refunds import RefundQuote, refund_pro_rata
from townhall.places.models import Address

log = logging.getLogger(__name__)
State = Permit.State
# Run after the commit of a permit starting or ending (issued, cancelled, expired): waste
# registers its collection cache bump here, as its rounds collect only from live permits.
PERMIT_CHANGED: Hook[[]] = Hook("permit changed", errors=ErrorPolicy.LOG)


def permit_change_listener_register(listener: Callable[[], object]) -> None:
    """Called (no arguments) after the commit of any permit starting or ending. Registering
    the same function again replaces it in its place."""
    PERMIT_CHANGED.register(listener)


def _changed_on_commit() -> None:
    transaction.on_commit(PERMIT_CHANGED.run)


def today_in_london() -> date:
    return timezone.now().astimezone(LONDON).date()


def period_for(scheme: PermitScheme, *, from_day: date) -> tuple[date, date]:
    """The period of a permit that may start on `from_day`: a year (the scheme's months) from
    that day, or from the council's yearly start date on or before it."""
    start = from_day
    if scheme.period_start == PermitScheme.PeriodStart.FIXED:
        start = date(from_day.year, scheme.year_start_month, scheme.year_start_day)
        if start > from_day:
            start = start.replace(year=start.year - 1)
    return start, start + relativedelta(months=scheme.period_months) - timedelta(days=1)


def _answers_of(case: Case) -> dict:
    submission = case.submission
    return dict(submission.answers) if submission is not None else {}


def _permit_from_case(case: Case, scheme: PermitScheme, payment: Payment) -> Permit:
    """A new application's permit, from the answers of its form."""
    answers = _answers_of(case)
    where = answers.get(scheme.address_field)
    where = where if isinstance(where, dict) else {}
    uprn = str(where.get("uprn") or case.uprn or "")[:12]
    try:
        quantity = max(int(answers.get(scheme.quantity_field) or 1), 1)
    except (TypeError, ValueError):
        quantity = 1
    return Permit(
        scheme=scheme,
        case=case,
        holder=case.resident,
        holder_name=case.contact_name,
        holder_email=case.contact_email,
        holder_phone=case.contact_phone,
        address=Address.objects.filter(uprn=uprn).first() if uprn else None,
        uprn=uprn,
        address_text=str(where.get("text") or case.location_text or "")[:255],
        quantity=quantity,
        concession=bool(scheme.concession_field)
        and answers.get(scheme.concession_field) in ("yes", True),
        price_pence=payment.amount_pence,
    )


def permit_issue(*, case: Case, payment: Payment) -> Permit:
    """Issue the permit a paid case bought: a number, a period, active. Its pending permit (a
    renewal) or a new one from the form's answers. Safe to call again: a permit issued
    already is returned as it is."""
    scheme = PermitScheme.objects.select_related("service").get(service_id=case.service_id)
    if payment.status != Payment.Status.SUCCESS or payment.case_id != case.pk:
        raise ValidationError(f"Payment {payment.reference} has not paid for {case.reference}.")
    with transaction.atomic():
        permit = Permit.objects.select_for_update().filter(case=case).first()
        if permit is None:
            permit = _permit_from_case(case, scheme, payment)
        elif permit.state != State.PENDING_PAYMENT:
            return permit
        paid_on = timezone.localtime(payment.finished_at or timezone.now(), LONDON).date()
        from_day = paid_on
        if permit.renews is not None and permit.renews.ends_on and permit.renews.ends_on >= paid_on:
            # Renewed before it ran out: the new period follows on without a gap.
            from_day = permit.renews.ends_on + timedelta(days=1)
        permit.starts_on, permit.ends_on = period_for(scheme, from_day=from_day)
        if permit.ends_on < paid_on:  # a fixed year that has already ended: the next one
            permit.starts_on, permit.ends_on = period_for(
                scheme, from_day=permit.ends_on + timedelta(days=1)
            )
        permit.number = permit_number_next(prefix=scheme.number_prefix, year=permit.starts_on.year)
        permit.state = State.ACTIVE
        permit.payment = payment
        permit.issued_at = timezone.now()
        permit.save()
        _changed_on_commit()
        audit_record(
            action="permit_issue",
            object_type="permit",
            object_id=permit.number,
            subject_user_id=permit.holder_id,
            detail={"case": case.reference, "payment": payment.reference},
        )
        with translation.override(case_language(case)):  # the resident is told: their words
            told = gettext(
                "Your permit number is %(number)s. It runs from %(starts)s to %(ends)s."
            ) % {
                "number": permit.number,
                "starts": date_format(permit.starts_on, "j F Y"),
                "ends": date_format(permit.ends_on, "j F Y"),
            }
        case_add_note(case=case, actor=None, text=told, is_public=True)
    return permit


def permit_issue_on_payment(payment: Payment) -> None:
    """payments' "payment paid" listener: a paid case of a service that sells permits gets
    its permit, in the same transaction."""
    if PermitScheme.objects.filter(service_id=payment.case.service_id).exists():
        permit_issue(case=payment.case, payment=payment)


@dataclass(frozen=True)
class RenewalQuote:
    permit: Permit
    price_pence: int
    starts_on: date
    ends_on: date


def renewal_price_pence(permit: Permit) -> int:
    """Today's price for the same bins and concession, by the service's current fee rules."""
    service = permit.scheme.service
    answers: dict[str, Any] = {permit.scheme.quantity_field: permit.quantity}
    if permit.scheme.concession_field:
        answers[permit.scheme.concession_field] = "yes" if permit.concession else "no"
    version = service.form.live_version() if service.form_id and service.form else None
    quote = submission_fee(service, version.definition, answers) if version else None
    if quote is not None:
        return quote.total_pence
    return (service.fee_pence or 0) * permit.quantity


def renewal_problem(permit: Permit, *, today: date | None = None) -> str:
    """Why this permit cannot be renewed now, or "" when it can."""
    today = today or today_in_london()
    if permit.state not in (State.ACTIVE, State.EXPIRED) or permit.ends_on is None:
        return gettext("Only an active or expired permit can be renewed.")
    if any(r.state == State.ACTIVE for r in permit.renewals.all()):  # prefetched on lists
        return gettext("Permit %(number)s has been renewed already.") % {"number": permit.number}
    opens = permit.ends_on - timedelta(days=permit.scheme.reminder_days_before)
    if today < opens:
        return gettext("You can renew permit %(number)s from %(day)s.") % {
            "number": permit.number,
            "day": date_format(opens, "j F Y"),
        }
    return ""


def renewal_quote(permit: Permit, *, today: date | None = None) -> RenewalQuote:
    """What renewing would cost and the period it would buy, for the check answers page."""
    today = today or today_in_london()
    problem = renewal_problem(permit, today=today)
    if problem:
        raise ValidationError(problem)
    ends_on = permit.ends_on
    if ends_on is None:  # renewal_problem refuses these; this tells mypy so
        raise ValidationError(gettext("Only an active or expired permit can be renewed."))
    from_day = ends_on + timedelta(days=1) if ends_on >= today else today
    starts, ends = period_for(permit.scheme, from_day=from_day)
    return RenewalQuote(permit, renewal_price_pence(permit), starts, ends)


def permit_renew(*, permit: Permit, actor: User | None) -> Permit:
    """Start a renewal: a new case for the same address, bins and concession at today's price,
    and its permit waiting for payment (issued when paid). A second call while one is waiting
    returns that one, so a double click makes one renewal."""
    with transaction.atomic():
        locked = (
            Permit.objects.select_for_update()
            .select_related("scheme__service", "case")
            .get(pk=permit.pk)
        )
        waiting = locked.renewals.filter(state=State.PENDING_PAYMENT).first()
        if waiting is not None:
            if waiting.case.is_open:
                return waiting
            # Its case was released unpaid (payments' sweep): that renewal is over.
            Permit.objects.filter(pk=waiting.pk).update(state=State.CANCELLED)
        quote = renewal_quote(locked)
        service = locked.scheme.service
        case = case_create(
            service=service,
            summary=f"Renewal of {locked.number}: {locked.address_text}",
            answers={
                locked.scheme.quantity_field: locked.quantity,
                "has_bin": "yes",  # a renewal keeps the bins it has
                "renewal_of": locked.number,
            },
            resident=locked.holder,
            raised_by=actor if actor is not None and actor != locked.holder else None,
            contact_name=locked.holder_name,
            contact_email=locked.holder_email,
            contact_phone=locked.holder_phone,
            uprn=locked.uprn,
            location_text=locked.address_text,
            # Told in the language the holder was writing to us in: a renewal keeps it.
            language=case_language(locked.case),
        )
        renewal = Permit.objects.create(
            scheme=locked.scheme,
            case=case,
            renews=locked,
            holder=locked.holder,
            holder_name=locked.holder_name,
            holder_email=locked.holder_email,
            holder_phone=locked.holder_phone,
            address=locked.address,
            uprn=locked.uprn,
            address_text=locked.address_text,
            quantity=locked.quantity,
            concession=locked.concession,
            price_pence=quote.price_pence,
        )
        audit_record(
            action="permit_renew",
            object_type="permit",
            object_id=locked.number,
            actor=actor,
            subject_user_id=locked.holder_id,
            detail={"case": case.reference, "price_pence": quote.price_pence},
        )
    return renewal


def cancellation_quote(permit: Permit, *, today: date | None = None) -> RefundQuote:
    """The refund cancelling this permit today would give, by its scheme's rules."""
    if permit.state != State.ACTIVE or permit.starts_on is None or permit.ends_on is None:
        raise ValidationError(gettext("Only an active permit can be cancelled."))
    scheme = permit.scheme
    return refund_pro_rata(
        price_pence=permit.price_pence,
        starts_on=permit.starts_on,
        ends_on=permit.ends_on,
        on=today or today_in_london(),
        period_months=scheme.period_months,
        none_last_months=scheme.refund_none_last_months,
        admin_fee_pence=scheme.refund_admin_fee_pence,
    )


def permit_cancel(*, permit: Permit, actor: User, today: date | None = None) -> Permit:
    """Cancel an active permit from today: collections stop, and the pro rata refund (if
    any) goes back to the card through payments. A second call is refused (it is cancelled
    already), so the refund is asked for once."""
    with transaction.atomic():
        locked = (
            Permit.objects.select_for_update(of=("self",))
            .select_related("scheme__service", "payment", "case")
            .get(pk=permit.pk)
        )
        quote = cancellation_quote(locked, today=today)
        with translation.override(case_language(locked.case)):  # why, in the resident's words
            told_why = cancellation_quote(locked, today=today).reason
        locked.state = State.CANCELLED
        locked.cancelled_at = timezone.now()
        if quote.refund_pence and locked.payment is not None:
            locked.refund = refund_request(
                payment=locked.payment,
                amount_pence=quote.refund_pence,
                reason=f"Permit {locked.number} cancelled: {quote.reason}",
                actor=actor,
            )
        locked.save(update_fields=["state", "cancelled_at", "refund"])
        _changed_on_commit()
        audit_record(
            action="permit_cancel",
            object_type="permit",
            object_id=locked.number,
            actor=actor,
            subject_user_id=locked.holder_id,
            detail={"refund_pence": quote.refund_pence, "months_left": quote.months_left},
        )
        with translation.override(case_language(locked.case)):
            values = {"number": locked.number, "reason": told_why}
            told = (
                gettext("Permit %(number)s is cancelled. We are refunding %(amount)s (%(reason)s)")
                % {**values, "amount": f"£{quote.refund_pence / 100:.2f}"}
                if quote.refund_pence
                else gettext("Permit %(number)s is cancelled. There is no refund: %(reason)s")
                % values
            )
        case_add_note(case=locked.case, actor=None, text=told, is_public=True)
    return locked


def permits_expire(*, today: date | None = None) -> int:
    """Mark expired every active permit whose period has ended (its collections stop).
    Safe to run twice: an expired permit is not active any more."""
    today = today or today_in_london()
    done = 0
    ids = list(
        Permit.objects.filter(state=State.ACTIVE, ends_on__lt=today).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            permit = Permit.objects.select_for_update().get(pk=pk)
            if permit.state != State.ACTIVE:
                continue
            permit.state = State.EXPIRED
            permit.save(update_fields=["state"])
            _changed_on_commit()
            audit_record(
                action="permit_expire",
                object_type="permit",
                object_id=permit.number,
                subject_user_id=permit.holder_id,
                detail={"ended_on": permit.ends_on.isoformat() if permit.ends_on else ""},
            )
            done += 1
    return done


def permit_scheme_set(
    *, service: Any, number_prefix: str, actor: User | None = None, **rules: Any
) -> PermitScheme:
    """Make a service sell permits under these rules (PermitScheme's fields), or change its
    rules. Permits already issued keep their period and price. Idempotent: the same rules
    again write nothing."""
    if not PREFIX_PATTERN.match(number_prefix):
        raise ValidationError(
            f"The permit number prefix must be 2 to 4 capital letters or digits, not {number_prefix!r}."
        )
    wanted = {"number_prefix": number_prefix, **rules}
    with transaction.atomic():
        scheme = PermitScheme.objects.select_for_update().filter(service=service).first()
        created = scheme is None
        if scheme is not None and all(getattr(scheme, k) == v for k, v in wanted.items()):
            return scheme  # as it was: nothing written, nothing audited
        scheme = scheme or PermitScheme(service=service)
        for name, value in wanted.items():
            setattr(scheme, name, value)
        scheme.full_clean()
        scheme.save()
        # Which permits garden waste rounds collect from may have changed (garden_waste).
        _changed_on_commit()
        audit_record(
            action="create" if created else "update",
            object_type="permit_scheme",
            object_id=service.slug,
            actor=actor,
            detail={"number_prefix": number_prefix, **rules},
        )
    return scheme


class PermitSchemeInUse(Exception):
    """A scheme whose permits exist cannot be removed: they keep its rules (number, period,
    refunds) for as long as they run and in the record after."""


def permit_scheme_remove(*, service: Any, actor: User | None = None) -> bool:
    """Stop a service selling permits: delete its scheme when no permit was ever made under
    it (raises PermitSchemeInUse otherwise). Returns whether a scheme was removed; a service
    without one writes nothing."""
    with transaction.atomic():
        scheme = PermitScheme.objects.select_for_update().filter(service=service).first()
        if scheme is None:
            return False
        if scheme.permits.exists():
            raise PermitSchemeInUse(
                f"The service has permits numbered {scheme.number_prefix}: its permit rules "
                "cannot be removed, only changed."
            )
        scheme.delete()
        _changed_on_commit()
        audit_record(
            action="delete",
            object_type="permit_scheme",
            object_id=service.slug,
            actor=actor,
            detail={"number_prefix": scheme.number_prefix},
        )
    return True
