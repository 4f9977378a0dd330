"""Writes for the contact centre: a contact logged, a fee recorded as due or paid."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.core.audit import audit_record
from townhall.desk.contact.models import ContactLog, FeeDue

NOTES_MAX_LENGTH = 2000


def contact_log_record(
    *,
    agent: User,
    channel: str,
    reason: str,
    outcome: str,
    person: User | None = None,
    caller_name: str = "",
    avoidable_reason: str = "",
    notes: str = "",
    case: Case | None = None,
    idempotency_key: str | uuid.UUID | None = None,
) -> ContactLog:
    """Record one contact with a caller. Every choice is checked and refused with a message
    naming the field; a repeated idempotency key (a double click) returns the first record."""
    errors: dict[str, str] = {}
    if channel not in ContactLog.ContactChannel.values:
        errors["channel"] = "Select how the caller got in touch"
    if reason not in ContactLog.Reason.values:
        errors["reason"] = "Select why the caller got in touch"
    if outcome not in ContactLog.Outcome.values:
        errors["outcome"] = "Select the outcome of the contact"
    if avoidable_reason and avoidable_reason not in ContactLog.AvoidableReason.values:
        errors["avoidable_reason"] = "Select why the contact was avoidable"
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer"
    caller_name = (caller_name or "").strip()
    if person is None and not caller_name:
        errors["caller_name"] = "Enter the caller's name"
    if len(caller_name) > 150:
        errors["caller_name"] = "The caller's name must be 150 characters or fewer"
    if person is not None and person.is_council_staff:
        errors["person"] = "Contacts are logged against residents, not staff"
    try:
        key = uuid.UUID(str(idempotency_key)) if idempotency_key else uuid.uuid4()
    except ValueError:
        errors["idempotency_key"] = "The form has expired. Start again"
    if errors:
        raise ValidationError(errors)
    earlier = ContactLog.objects.filter(idempotency_key=key).first()
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            contact = ContactLog.objects.create(
                agent=agent,
                person=person,
                caller_name=caller_name or (person.full_name if person else ""),
                channel=channel,
                reason=reason,
                outcome=outcome,
                avoidable_reason=avoidable_reason,
                notes=notes,
                case=case,
                idempotency_key=key,
            )
            audit_record(
                action="create",
                object_type="contact",
                object_id=contact.pk,
                actor=agent,
                subject_user_id=person.pk if person else None,
                detail={"outcome": outcome, "avoidable": bool(avoidable_reason)},
            )
    except IntegrityError:
        # Two simultaneous submissions of one form: the other one won.
        return ContactLog.objects.get(idempotency_key=key)
    return contact


def fee_due_record(*, case: Case, agent: User) -> FeeDue | None:
    """Record the service's fee as due on a case raised on a caller's behalf; None when the
    service charges nothing. Safe to call twice."""
    fee = case.service.fee_pence
    if not fee:
        return None
    with transaction.atomic():
        due, created = FeeDue.objects.get_or_create(
            case=case, defaults={"amount_pence": fee, "recorded_by": agent}
        )
        if created:
            audit_record(
                action="create",
                object_type="fee_due",
                object_id=case.reference,
                actor=agent,
                subject_user_id=case.resident_id,
                detail={"amount_pence": fee},
            )
    return due


def fee_due_mark_paid(*, fee_due: FeeDue, payment_reference: str) -> FeeDue:
    """Called by the payments adapter when a card payment succeeded. Idempotent."""
    if not payment_reference:
        raise ValidationError("A payment reference is needed to mark a fee paid.")
    with transaction.atomic():
        locked = FeeDue.objects.select_for_update().get(pk=fee_due.pk)
        if locked.status == FeeDue.Status.PAID:
            return locked
        locked.status = FeeDue.Status.PAID
        locked.payment_reference = payment_reference[:64]
        locked.paid_at = timezone.now()
        locked.save(update_fields=["status", "payment_reference", "paid_at"])
    return locked
