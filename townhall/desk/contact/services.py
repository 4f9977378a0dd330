"""Writes for the contact centre: a contact logged. (A fee due is payments' own:
payments.services.fee_due_record.)"""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.core.audit import audit_record
from townhall.desk.contact.models import ContactLog

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
