"""Reports that are another council's ("not ours", issue 17 point 3): when a service names the
council responsible and a way to hand reports on (`Service.hand_on`), each new case is stored
first, then handed on in the same transaction: an Open311 report queued in the outbox, or an
email queued for the notifications worker. The case keeps a `CaseHandOn` record: how, to
whom, where it stands, and the reference the county gives it, shown to the resident (who is
told when it arrives) and on the desk."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from townhall.cases.hand_on_tasks import case_hand_on_email
from townhall.cases.models import Case, CaseHandOn
from townhall.cases.notifications import case_language
from townhall.cases.services import case_add_note
from townhall.catalogue.hand_on import HandOn, hand_on_read
from townhall.core.languages import LazyText
from townhall.core.tasks import task_enqueue_on_commit
from townhall.integrations.county.client import (
    OPERATION_ASK,
    OPERATION_POST,
    county_partner_ensure,
    county_request_queue,
    county_token_queue,
)
from townhall.integrations.models import OutboxMessage
from townhall.integrations.outbound import OutboundRefused
from townhall.integrations.outbox.delivery import outbox_listener_register


def _open311_fields(case: Case) -> dict[str, object]:
    """GeoReport v2's fields for the report. The resident's contact details go too: the
    county may need to ask them more, as it would had they reported it there."""
    first, _, last = case.contact_name.partition(" ")
    return {
        "lat": case.lat,
        "long": case.lon,
        "address_string": case.location_text,
        "address_id": case.uprn,
        "description": f"{case.summary} (passed on from reference {case.reference})"[:4000],
        "email": case.contact_email,
        "first_name": first,
        "last_name": last,
        "phone": case.contact_phone,
    }


def case_hand_on_start(
    *, case: Case, answers: dict | None = None, notify: bool = True, **_: object
) -> None:
    """Hand a new case on when its service is another council's (a CASE_CREATED hook, in the
    case's transaction). A case is never lost for a hand-on that cannot start: the record
    then says why and the desk sees it "not yet passed on"."""
    setting = hand_on_read(case.service.hand_on)
    # Not for history loaded in bulk (notify False, as the process runs quiet then): the
    # county is not sent old reports.
    if setting is None or not setting.makes_case or not notify:
        return
    key = f"hand-on-{case.reference}"
    with transaction.atomic():
        hand_on, made = CaseHandOn.objects.get_or_create(
            case=case,
            defaults={
                "responsible": setting.responsible[:120],
                "method": setting.method,
                "message_key": key,
            },
        )
        if not made:
            return
        if setting.method == "open311":
            _open311_queue(case, hand_on, setting)
        else:
            task_enqueue_on_commit(case_hand_on_email, hand_on_id=hand_on.pk)
            hand_on.status = CaseHandOn.Status.PASSED
            hand_on.passed_at = timezone.now()
            hand_on.save(update_fields=["status", "passed_at"])
            with translation.override(case_language(case)):  # the resident reads it
                told = gettext("Passed to %(council)s by email.") % {"council": setting.responsible}
            case_add_note(case=case, actor=None, text=told, is_public=True)


def _open311_queue(case: Case, hand_on: CaseHandOn, setting: HandOn) -> None:
    try:
        partner = county_partner_ensure(endpoint=setting.endpoint, title=setting.responsible)
    except OutboundRefused as refused:
        hand_on.status = CaseHandOn.Status.FAILED
        hand_on.last_error = f"Not sent: {refused.reason}"[:300]
        hand_on.save(update_fields=["status", "last_error"])
        return
    county_request_queue(
        partner=partner,
        idempotency_key=hand_on.message_key,
        correlation=case.reference,
        request={
            "service_code": setting.service_code,
            "jurisdiction_id": setting.jurisdiction_id,
            "api_key_secret": setting.api_key_secret,
            "fields": _open311_fields(case),
        },
    )


def _method_label(hand_on: CaseHandOn) -> LazyText:
    # Lazy: read in the resident's language when the note is worded.
    return "Open311" if hand_on.method == "open311" else gettext_lazy("email")


def _told(case: Case, text: str, **values: object) -> str:
    """A hand-on note for the resident (a public update, emailed to them), in their language."""
    with translation.override(case_language(case)):
        return gettext(text) % values


def _reference_note(hand_on: CaseHandOn) -> str:
    return _told(
        hand_on.case,
        gettext_noop("Your report has been passed to %(council)s. Their reference: %(reference)s"),
        council=hand_on.responsible,
        reference=hand_on.reference,
    )


def hand_on_message_ended(message: OutboxMessage) -> None:
    """The outbox delivered or gave up on a hand-on message: record it on the case."""
    key = message.idempotency_key.removesuffix("-token")
    with transaction.atomic():
        hand_on = (
            CaseHandOn.objects.select_for_update()
            .select_related("case")
            .filter(message_key=key)
            .first()
        )
        if hand_on is None:
            return
        case = hand_on.case
        if message.status == OutboxMessage.Status.DEAD:
            asking = message.operation == OPERATION_ASK
            if not asking:  # a reference that never came does not undo the hand-on
                hand_on.status = CaseHandOn.Status.FAILED
            hand_on.last_error = message.last_error[:300]
            hand_on.save(update_fields=["status", "last_error"])
            case_add_note(
                case=case,
                actor=None,
                text=(
                    f"{hand_on.responsible} did not give their reference: {message.last_error}"
                    if asking
                    else f"Not yet passed on to {hand_on.responsible}: {message.last_error}"
                )[:4000],
                is_public=False,
            )
            return
        reference = str(message.response.get("service_request_id", ""))
        token = str(message.response.get("token", ""))
        first = hand_on.passed_at is None
        if first:
            hand_on.passed_at = timezone.now()
        hand_on.status = CaseHandOn.Status.PASSED
        hand_on.last_error = ""
        if reference and not hand_on.reference:
            hand_on.reference = reference
            hand_on.save()
            case_add_note(
                case=case,
                actor=None,
                text=_told(
                    case,
                    gettext_noop(
                        "Passed to %(council)s by %(method)s. Their reference: %(reference)s"
                    ),
                    council=hand_on.responsible,
                    method=_method_label(hand_on),
                    reference=reference,
                )
                if first
                else _reference_note(hand_on),
                is_public=True,
            )
            return
        hand_on.save()
        if first and message.operation == OPERATION_POST:
            case_add_note(
                case=case,
                actor=None,
                text=_told(
                    case,
                    gettext_noop(
                        "Passed to %(council)s by %(method)s. Their reference will follow."
                    ),
                    council=hand_on.responsible,
                    method=_method_label(hand_on),
                ),
                is_public=True,
            )
            if token:
                hand_on.token = token
                hand_on.save(update_fields=["token"])
                county_token_queue(message=message, token=token)


def hand_on_listeners_register() -> None:
    """Hear of the outbox's hand-on messages (CasesConfig.ready)."""
    outbox_listener_register(OPERATION_POST, hand_on_message_ended)
    outbox_listener_register(OPERATION_ASK, hand_on_message_ended)
