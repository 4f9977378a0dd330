"""Writes for the forms engine: publish a definition, start a session, save a page, submit
(idempotently)."""

import logging
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext

from townhall.accounts.models import User
from townhall.bookings.models import Slot
from townhall.bookings.services import BookingRefused, booking_confirm, booking_hold
from townhall.cases.models import Case, CaseAttachment
from townhall.cases.services import case_create, my_account_forget
from townhall.catalogue.models import Channel, Service
from townhall.core.audit import audit_record
from townhall.core.calendars import LONDON
from townhall.core.languages import language_active, language_normalise
from townhall.core.uploads import upload_check
from townhall.eforms.definition import (
    condition_fields,
    definition_errors,
    definition_in_language,
)
from townhall.eforms.engine import FormFlow
from townhall.eforms.fees import FeeQuote, fee_rules_problems, fee_work_out
from townhall.eforms.fields import (
    AnswersSoFar,
    FieldResult,
    answer_display,
    field_parse,
    slot_units,
)
from townhall.eforms.lookups import lookup_reads, lookup_run, page_lookup_outputs
from townhall.eforms.models import (
    Form,
    FormSession,
    FormVersion,
    OutcomeCount,
    Submission,
    UploadedFile,
)

log = logging.getLogger(__name__)

# How long an eligibility checker's journey may be left before its answers are deleted.
CHECKER_ABANDONED_AFTER = timedelta(hours=2)


# Suggested answers are kept beside the answers under this key (no question has a name
# starting "_"), and dropped from what is sent (`answers_on_route`).
PREFILL_KEY = "_prefill"
PREFILL_MAX_LENGTH = 100


class FormUnavailable(Exception):
    """The service has no published form."""


class AnswerNoLongerValid(ValidationError):
    """An answer that was right when given is not any more (the date chosen was booked by
    someone else meanwhile): nothing was sent; ask the question on `page_id` again."""

    def __init__(self, message: str, page_id: str) -> None:
        super().__init__(message)
        self.page_id = page_id


class JourneyEndsOnOutcome(ValidationError):
    """The answers end on an outcome now, though they led to sending when given: a lookup
    run again as the form was sent found otherwise (the missed bin's window closed while the
    form was open). Nothing was sent; the journey ends on that outcome (form_outcome_reach)."""


@dataclass
class PageOutcome:
    results: dict[str, FieldResult] = dc_field(default_factory=dict)
    errors: dict[str, str] = dc_field(default_factory=dict)
    next_page_id: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def form_flow(session: FormSession) -> FormFlow:
    """The journey through the session's form, its texts in the page's language."""
    definition = definition_in_language(session.form_version.definition, language_active())
    return FormFlow(definition, ask_contact=session.user_id is None)


def form_session_start(
    *,
    service: Service,
    user: User | None = None,
    channel: str = Channel.WEB,
    raised_by: User | None = None,
    prefill: dict[str, str] | None = None,
) -> FormSession:
    """Begin a journey through the service's live form version. `prefill`: answers to
    suggest on the pages (a link "report a missed collection" names the bin); only text for
    questions the form asks is kept, and each is shown to be confirmed, never taken as
    answered."""
    if service.form_id is None:
        raise FormUnavailable(service.slug)
    version = (
        FormVersion.objects.filter(form_id=service.form_id, status=FormVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    if version is None:
        raise FormUnavailable(service.slug)
    if service.kind == Service.Kind.ELIGIBILITY:
        _checker_sessions_abandoned_delete(service)
    answers: dict[str, Any] = {}
    if prefill:
        asked = FormFlow(version.definition, ask_contact=False).fields
        kept = {
            name: str(value)[:PREFILL_MAX_LENGTH]
            for name, value in prefill.items()
            if name in asked and isinstance(value, str) and value
        }
        if kept:
            answers[PREFILL_KEY] = kept
    return FormSession.objects.create(
        form_version=version,
        service=service,
        user=user,
        channel=channel,
        raised_by=raised_by,
        answers=answers,
    )


def _checker_sessions_abandoned_delete(service: Service) -> None:
    """An eligibility checker keeps answers only until its outcome shows; a journey left
    before that leaves them behind, so starting one deletes the service's journeys left for
    CHECKER_ABANDONED_AFTER (their answers and files, as reaching an outcome does)."""
    abandoned = FormSession.objects.filter(
        service=service,
        submission__isnull=True,
        updated_at__lt=timezone.now() - CHECKER_ABANDONED_AFTER,
    )
    files = [upload.file for upload in UploadedFile.objects.filter(form_session__in=abandoned)]
    with transaction.atomic():
        deleted, _ = abandoned.delete()
        if files:
            transaction.on_commit(lambda: _files_delete(files))
    if deleted:
        log.info("%s: deleted %s abandoned eligibility journey(s)", service.slug, deleted)


def _save_files(session: FormSession, field: dict, files) -> FieldResult:
    name = field["name"]
    existing = list(session.answers.get(name) or [])
    uploads = [f for f in (files.getlist(name) if files is not None else []) if f.size or f.name]
    limit = field.get("max_files", 1)
    result = FieldResult(value=existing or None)
    if len(existing) + len(uploads) > limit:
        result.error = f"You can add up to {limit} file{'s' if limit > 1 else ''}"
        return result
    accept = tuple(field.get("accept", ["image"]))
    for upload in uploads:
        try:
            checked = upload_check(upload, accept=accept)
        except ValidationError as error:
            result.error = error.messages[0]
            return result
        stored = UploadedFile(
            form_session=session,
            field_name=name,
            original_name=checked.original_name,
            content_type=checked.content_type,
            extension=checked.extension,
            size=checked.size,
            sha256=checked.sha256,
            gps_lat=checked.gps_lat,
            gps_lon=checked.gps_lon,
        )
        stored.file.save(checked.storage_name, checked.content, save=False)
        stored.save()
        existing.append(stored.pk)
    result.value = existing or None
    if not existing and field.get("required"):
        result.error = f"Select {field.get('error_name') or 'a photo'} to upload"
    return result


def form_page_submit(*, session: FormSession, page_id: str, data, files=None) -> PageOutcome:
    """Validate and save one page's answers; say which page comes next."""
    flow = form_flow(session)
    page = flow.page(page_id)
    if page is None:
        raise ValidationError(gettext("That page is not part of this form."))
    outcome = PageOutcome()
    with transaction.atomic():
        locked = FormSession.objects.select_for_update().get(pk=session.pk)
        if hasattr(locked, "submission"):
            raise ValidationError(gettext("This form has already been sent."))
        answers = dict(locked.answers)
        for field in page.fields:
            if field["type"] == "file":
                result = _save_files(locked, field, files)
            else:
                known = AnswersSoFar(locked.service_id, answers, flow.fields)
                result = field_parse(field, data, known)
            outcome.results[field["name"]] = result
            if result.error:
                outcome.errors[field["name"]] = result.error
        if outcome.ok:
            for name, result in outcome.results.items():
                answers[name] = result.value
            # A lookup runs when its page is answered, and again when a question it reads
            # is answered anew (an address changed from the check-answers page).
            given = {field["name"] for field in page.fields}
            for passed in flow.route(answers):
                if passed.lookup and (
                    passed is page
                    or flow.page_answered(passed, answers)
                    and given & lookup_reads(passed.lookup)
                ):
                    answers.update(lookup_run(passed.lookup, answers))
        else:
            # Files that passed their checks are kept even when another answer is wrong.
            for field in page.fields:
                if field["type"] == "file":
                    answers[field["name"]] = outcome.results[field["name"]].value
        locked.answers = answers
        locked.save(update_fields=["answers", "updated_at"])
        session.answers = answers
    if outcome.ok:
        outcome.next_page_id = flow.next_page_id(page_id, answers)
    return outcome


def form_file_remove(*, session: FormSession, field_name: str, file_id: int) -> None:
    with transaction.atomic():
        locked = FormSession.objects.select_for_update().get(pk=session.pk)
        if hasattr(locked, "submission"):
            raise ValidationError(gettext("This form has already been sent."))
        ids = [i for i in locked.answers.get(field_name) or [] if i != file_id]
        locked.answers[field_name] = ids or None
        locked.save(update_fields=["answers", "updated_at"])
        UploadedFile.objects.filter(form_session=locked, pk=file_id).delete()
        session.answers = locked.answers


def form_session_save_for_later(*, session: FormSession) -> None:
    """Keep an unsent form for the signed-in resident to finish from My Account."""
    FormSession.objects.filter(pk=session.pk, submission__isnull=True).update(saved_for_later=True)
    my_account_forget(session.user_id)


def outcome_count_add(*, service: Service, outcome: str, day: date | None = None) -> None:
    """Add one to the count of journeys of `service` that ended on `outcome` on `day`
    (today by default). Safe when many end at once: an UPDATE adding one in the database,
    and when the day's row is not there yet, a create that falls back to that UPDATE if
    another request created it first."""
    day = day or timezone.localdate()
    rows = OutcomeCount.objects.filter(service=service, outcome=outcome, day=day)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            OutcomeCount.objects.create(service=service, outcome=outcome, day=day, count=1)
    except IntegrityError:
        rows.update(count=F("count") + 1)


def _files_delete(files: list) -> None:
    for stored in files:
        stored.storage.delete(stored.name)


def form_outcome_reach(*, session: FormSession) -> dict:
    """End the session's journey on the outcome its answers lead to, and return that
    outcome (its id, title, body, next steps) for the door to show. No case is made: the
    outcome is counted (OutcomeCount) and the session is deleted with its answers and
    files, so nothing the person answered is kept. Raises ValidationError when the answers
    lead to no outcome (a page still to answer, or the form goes on to be sent)."""
    with transaction.atomic():
        locked = FormSession.objects.select_for_update().filter(pk=session.pk).first()
        if locked is None or hasattr(locked, "submission"):
            raise ValidationError(gettext("This journey has already ended."))
        flow = FormFlow(locked.form_version.definition, ask_contact=False)
        outcome = flow.outcome(locked.answers)
        if outcome is None:
            raise ValidationError(gettext("These answers do not end on an outcome."))
        # What lookups found (dates, a crew's note: no personal details) for its page.
        outcome = {**outcome, "values": flow.lookup_values(locked.answers)}
        outcome_count_add(service=session.service, outcome=outcome["id"])
        uploads = [upload.file for upload in UploadedFile.objects.filter(form_session=locked)]
        if uploads:
            # The files go once the rows are gone for good (a rollback keeps both).
            transaction.on_commit(lambda: _files_delete(uploads))
        locked.delete()  # My Account forgets it on delete (eforms.apps)
        audit_record(
            actor=session.raised_by,
            action="delete",
            object_type="form_session",
            object_id=str(session.pk),
            reason="the journey ended on an outcome; its answers are not kept",
            detail={"service": session.service.slug, "outcome": outcome["id"]},
        )
    return outcome


def _case_location(flow: FormFlow, answers: dict) -> dict[str, Any]:
    for name, field in flow.fields.items():
        value = answers.get(name)
        if field["type"] in ("location", "address") and isinstance(value, dict):
            return {
                "lat": value.get("lat"),
                "lon": value.get("lon"),
                "uprn": value.get("uprn", ""),
                "usrn": value.get("usrn", ""),
                "location_text": value.get("text", ""),
            }
    return {}


def _sla_from(flow: FormFlow, answers: dict) -> datetime | None:
    """A lookup's `sla_from` (an ISO date): the SLA counts from the start of that day."""
    value = flow.lookup_values(answers).get("sla_from")
    try:
        day = date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
    return datetime.combine(day, time(0, 0), tzinfo=LONDON) if day else None


def _case_from_submission(submission: Submission, session: FormSession) -> Case:
    flow = form_flow(session)
    answers = submission.answers
    summary_field = session.form_version.definition.get("summary_field")
    summary = ""
    if summary_field and answers.get(summary_field) not in (None, "", []):
        summary = answer_display(flow.fields[summary_field], answers[summary_field])
    user = session.user
    case = case_create(
        service=submission.service,
        summary=summary or submission.service.name,
        channel=submission.channel,
        language=submission.language,
        answers=answers,
        submission=submission,
        resident=user,
        raised_by=session.raised_by,
        contact_name=answers.get("contact_name") or (user.full_name if user else ""),
        contact_email=answers.get("contact_email") or (user.email if user else ""),
        contact_phone=answers.get("contact_phone") or (user.phone if user else ""),
        sla_from=_sla_from(flow, answers),
        **_case_location(flow, answers),
    )
    _slots_hold(case, flow, submission)
    has_files = any(field["type"] == "file" for field in flow.fields.values())
    for upload in UploadedFile.objects.filter(form_session=session) if has_files else []:
        CaseAttachment.objects.get_or_create(
            case=case,
            file=upload.file.name,
            defaults={
                "original_name": upload.original_name,
                "content_type": upload.content_type,
                "extension": upload.extension,
                "size": upload.size,
                "is_public": True,
                "uploaded_by": user,
            },
        )
    return case


def _slots_hold(case: Case, flow: FormFlow, submission: Submission) -> None:
    """Hold the places of each slot answered, in the case's own transaction (so sending
    twice holds once); with nothing to pay, the booking is confirmed at once."""
    answers = submission.answers
    for name, field in flow.fields.items():
        value = answers.get(name)
        if field["type"] != "slot" or not isinstance(value, dict):
            continue
        slot = Slot.objects.select_related("area").filter(pk=value.get("slot") or 0).first()
        if slot is None:
            raise BookingRefused("That date is no longer offered. Choose another date.")
        booking_hold(case=case, slot=slot, units=slot_units(field, answers))
        fee = submission.fee_pence if submission.fee_pence is not None else case.service.fee_pence
        if not fee:
            booking_confirm(case=case)


def _page_of(flow: FormFlow, kind: str) -> str:
    return next(p.id for p in flow.pages if any(f["type"] == kind for f in p.fields))


def submission_fee(service: Service, definition: dict, answers: dict) -> FeeQuote | None:
    """The fee the service's rules work out for these answers (those on the route taken)
    given on the form version `definition`; None when the service has no rules, or when
    they read what this version does not ask (a form begun before the rules and its new
    questions were published): the service's flat fee, if any, is charged then."""
    if not service.fee_rules or fee_rules_problems(service.fee_rules, definition):
        return None
    return fee_work_out(service.fee_rules, answers, definition)


def submission_submit(*, session: FormSession, language: str = "") -> Case:
    """Store the submission, then open its case. Safe to call any number of times for one
    session (double clicks, refreshes, retried POSTs): it always returns the same case.

    `language` is the one the form was filled in ("en" or "cy"; the active one if not
    given): it is recorded on the submission and its case, for staff and for replies.

    The fee the service's rules work out from the answers is kept with the submission
    (`submission_fee`), so a later change of the rules never changes it.

    The case is opened in a savepoint: if that fails, the submission is still committed
    (nothing the resident sent is lost) and a retry of this call finishes the job.
    """
    opening_error: Exception | None = None
    _branch_lookups_rerun(session)
    with transaction.atomic():
        locked = FormSession.objects.select_for_update().get(pk=session.pk)
        # Form versions and services are immutable here: reuse the caller's loaded rows.
        locked.form_version = session.form_version
        locked.service = session.service
        if session.user_id == locked.user_id and "user" in session._state.fields_cache:
            locked.user = session.user
        submission = Submission.objects.filter(form_session=locked).first()
        stored_now = submission is None
        if submission is None:
            flow = form_flow(locked)
            if flow.outcome(locked.answers) is not None:
                raise JourneyEndsOnOutcome(
                    gettext(
                        "We checked your answers again as you sent the form, and what we found "
                        "has changed since you answered: nothing was sent."
                    )
                )
            if not flow.is_complete(locked.answers):
                raise ValidationError(gettext("Some questions have not been answered yet."))
            answers = flow.answers_on_route(locked.answers)
            fee = submission_fee(locked.service, locked.form_version.definition, answers)
            submission = Submission.objects.create(
                form_session=locked,
                form_version=locked.form_version,
                service=locked.service,
                user=locked.user,
                channel=locked.channel,
                language=language_normalise(language or translation.get_language()),
                answers=answers,
                fee_pence=fee.total_pence if fee is not None else None,
                fee_lines=fee.lines_data() if fee is not None else [],
            )
            if locked.saved_for_later:
                # A sent form is no longer a draft; My Account lists drafts by this flag alone.
                FormSession.objects.filter(pk=locked.pk).update(saved_for_later=False)
                my_account_forget(locked.user_id)
        else:
            existing = Case.objects.filter(submission=submission).first()
            if existing is not None:
                return existing
        try:
            with transaction.atomic():
                case = _case_from_submission(submission, locked)
        except BookingRefused as refused:
            if not stored_now:
                opening_error = refused
            else:
                # The date was taken while the form was filled in: a refusal of the answer,
                # not a failure to keep. Raised here, it undoes the submission too; the
                # person chooses again.
                page_id = _page_of(form_flow(locked), "slot")
                raise AnswerNoLongerValid(str(refused), page_id) from None
        except Exception as error:  # kept: the submission commits, the caller sees the error
            opening_error = error
    if opening_error is not None:
        raise opening_error
    return case


def _branch_reads(definition: dict) -> set[str]:
    """The answers the form's branches and its pages' show-if conditions read."""
    conditions = [
        condition
        for page in definition["pages"]
        for condition in [
            page.get("show_if"),
            *(branch.get("when") for branch in page.get("next", [])),
        ]
        if condition
    ]
    return {name for condition in conditions for name in condition_fields(condition)}


def _branch_lookups_rerun(session: FormSession) -> None:
    """Before a form is sent, run again each lookup on its route whose findings a branch
    reads: what it found may have changed while the form was open (a missed bin's window
    closes, a crew's result arrives). The new findings are saved, so sending then ends on
    the outcome they lead to, or asks the page they now lead to. Only lookups that ran
    when their page was answered run again (an Open311 report runs none)."""
    definition = session.form_version.definition
    if not any(page.get("lookup") for page in definition["pages"]):
        return
    reads = _branch_reads(definition)
    with transaction.atomic():
        locked = FormSession.objects.select_for_update().get(pk=session.pk)
        if Submission.objects.filter(form_session=locked).exists():
            return  # sent already: what it found then stands
        flow = form_flow(session)
        answers = dict(locked.answers)
        for page in flow.route(answers):
            outputs = set(page_lookup_outputs({"lookup": page.lookup} if page.lookup else {}))
            if (
                page.lookup
                and outputs & reads
                and outputs & set(answers)
                and flow.page_answered(page, answers)
            ):
                answers.update(lookup_run(page.lookup, answers))
        if answers != locked.answers:
            locked.answers = answers
            locked.save(update_fields=["answers", "updated_at"])
        session.answers = answers


def submissions_unopened_open(*, older_than: datetime) -> int:
    """Open the case of every submission stored before `older_than` that still has none (its
    case failed to open in the request that stored it, and the resident did not retry);
    returns how many. The same path as a retry (`submission_submit`: the session's row lock
    and the submission's one-to-one case), so racing a resident's retry still makes one
    case. One failing submission does not stop the others; the next sweep tries it again."""
    waiting = (
        Submission.objects.filter(case__isnull=True, submitted_at__lt=older_than)
        .select_related("form_session")
        .order_by("submitted_at")[:500]
    )
    opened = 0
    for submission in list(waiting):
        try:
            submission_submit(session=submission.form_session)
        except (OperationalError, InterfaceError):
            raise  # the database is gone: the caller's loop waits for it
        except Exception:
            log.exception("Submission %s: its case could not be opened", submission.pk)
            continue
        opened += 1
    if opened:
        log.warning("opened %s case(s) of submissions stored without one", opened)
    return opened


def form_version_publish(
    *, slug: str, name: str, definition: dict, published_by: User | None = None
) -> FormVersion:
    """Check `definition` (schema and meaning, `definition_errors`) and make it the live
    version of form `slug`, creating the form if needed. A definition identical to the live
    one publishes nothing and returns the live version; otherwise a new version is published
    (who and when recorded, audited) and the older published ones are retired. Sessions
    already begun keep the version they started on. Raises ValidationError listing every
    reason the definition cannot be published."""
    errors = definition_errors(definition)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        form, _ = Form.objects.update_or_create(slug=slug, defaults={"name": name[:120]})
        form = Form.objects.select_for_update().get(pk=form.pk)
        live = form.live_version()
        if live is not None and live.content_hash == FormVersion.hash_definition(definition):
            return live
        last = form.versions.order_by("-number").first()
        version = FormVersion.objects.create(
            form=form,
            number=(last.number + 1) if last else 1,
            definition=definition,
            status=FormVersion.Status.PUBLISHED,
            published_at=timezone.now(),
            published_by=published_by,
        )
        form.versions.filter(status=FormVersion.Status.PUBLISHED).exclude(pk=version.pk).update(
            status=FormVersion.Status.RETIRED
        )
        audit_record(
            actor=published_by,
            action="create",
            object_type="form_version",
            object_id=str(version.pk),
            detail={"form": slug, "number": version.number, "hash": version.content_hash},
        )
    return version
