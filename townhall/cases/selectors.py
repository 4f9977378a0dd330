"""Reads of cases that more than one view needs. Residents only ever reach their own."""

import mimetypes

from django.db.models import QuerySet
from django.http import FileResponse, Http404

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseAttachment, CaseEvent

PUBLIC_KINDS = [
    CaseEvent.Kind.CREATED,
    CaseEvent.Kind.STATUS_CHANGED,
    CaseEvent.Kind.PUBLIC_NOTE,
    CaseEvent.Kind.RESIDENT_COMMENT,
]


def cases_for_resident(user: User) -> QuerySet[Case]:
    """A resident's requests for the My Account list: only the columns the list shows, because
    building SQL for every column of a case and its service is most of the page's cost."""
    return (
        Case.objects.filter(resident=user)
        .select_related("service")
        .only("reference", "summary", "status", "created_at", "service__name")
        .order_by("-created_at")
    )


def drafts_for_resident(user: User):
    from townhall.eforms.models import FormSession

    return (
        FormSession.objects.filter(user=user, saved_for_later=True)
        .select_related("service")
        .only("updated_at", "service__name", "service__slug")
        .order_by("-updated_at")
    )


def case_for_resident(user: User, reference: str) -> Case:
    case = (
        Case.objects.select_related("service", "submission__form_version")
        .filter(reference=reference[:20], resident=user)
        .first()
    )
    if case is None:
        raise Http404
    return case


def case_by_tracking_token(token: str) -> Case:
    case = (
        Case.objects.select_related("service", "submission__form_version")
        .filter(tracking_token=token[:64])
        .first()
    )
    if case is None or len(token) < 20:
        raise Http404
    return case


def public_timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.filter(is_public=True, kind__in=PUBLIC_KINDS).order_by("-at", "-id")


def public_attachments(case: Case) -> QuerySet[CaseAttachment]:
    return case.attachments.filter(is_public=True)


def answers_for_display(case: Case) -> list[dict]:
    """The submitted answers as label/value rows (contact details left out)."""
    from townhall.eforms.engine import FormFlow
    from townhall.eforms.fields import answer_display

    submission = case.submission
    if submission is None:
        return []
    flow = FormFlow(submission.form_version.definition, ask_contact=True)
    rows = []
    for name, field in flow.fields.items():
        if name.startswith("contact_") or name not in submission.answers or field["type"] == "file":
            continue
        rows.append(
            {"label": field["label"], "value": answer_display(field, submission.answers[name])}
        )
    return rows


def attachment_response(case: Case, attachment_id: int, public_only: bool = True) -> FileResponse:
    attachments = case.attachments.filter(pk=attachment_id)
    if public_only:
        attachments = attachments.filter(is_public=True)
    attachment = attachments.first()
    if attachment is None:
        raise Http404
    content_type = attachment.content_type or mimetypes.guess_type(attachment.file.name or "")[0]
    response = FileResponse(attachment.file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
