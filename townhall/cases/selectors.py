"""Reads of cases that more than one view needs. Residents only ever reach their own."""

import mimetypes
import uuid
from datetime import UTC, datetime

from django.db import connection
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseAttachment, CaseEvent
from townhall.catalogue.models import Service
from townhall.core.downloads import download_file_response

PUBLIC_KINDS = [
    CaseEvent.Kind.CREATED,
    CaseEvent.Kind.STATUS_CHANGED,
    CaseEvent.Kind.PUBLIC_NOTE,
    CaseEvent.Kind.RESIDENT_COMMENT,
]


# My Account is the busiest signed-in page. Its two lists are fixed, simple reads, so they are
# written as SQL once: building the same query through the ORM on every request cost more
# than running it. Table and column names come from the models, so a rename cannot drift.
_CASE = Case._meta
_SERVICE = Service._meta


# My Account's lists, rendered, are kept in the shared cache per resident and language for
# settings.MY_ACCOUNT_KEEP_SECONDS; every write to the resident's cases or saved forms drops
# them (cases.services.my_account_forget), and the time limit bounds what no write announces
# (a service renamed).
def my_account_cache_key(user_id: int, language: str) -> str:
    # By language as settings.LANGUAGES names them ("en-gb" is kept as "en").
    return f"cases:my-account:{user_id}:{language.split('-')[0]}"


def my_account_lists(user: User) -> tuple[list[Case], list]:
    """A resident's requests, newest first, and the forms they saved to finish later, for My
    Account: only the columns shown, with the service's name (and, for drafts, its slug).

    One round trip for both lists: the page is the one residents open most."""
    from townhall.eforms.models import FormSession

    sql = (
        f"SELECT 'case' AS kind, c.id AS tiebreak, CAST(c.id AS TEXT), c.reference, c.summary, c.status, c.created_at AS at, "  # noqa: S608 (table names from the models' meta; values are bound)
        f"s.name AS service_name, s.slug AS service_slug "
        f"FROM {_CASE.db_table} c JOIN {_SERVICE.db_table} s ON s.id = c.service_id "
        f"WHERE c.resident_id = %s "
        f"UNION ALL SELECT 'draft', 0, CAST(f.id AS TEXT), NULL, NULL, NULL, f.updated_at, s.name, s.slug "
        f"FROM {FormSession._meta.db_table} f JOIN {_SERVICE.db_table} s ON s.id = f.service_id "
        f"WHERE f.user_id = %s AND f.saved_for_later "
        f"ORDER BY at DESC, tiebreak DESC"
    )
    cases: list[Case] = []
    drafts: list[FormSession] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        for kind, _, pk, reference, summary, status, raw_at, service_name, slug in cursor:
            at = _as_datetime(raw_at)
            if kind == "case":
                case = Case(id=int(pk), reference=reference, summary=summary, status=status)
                case.created_at = at
                case.service_name = service_name  # type: ignore[attr-defined]
                cases.append(case)
            else:
                draft = FormSession(id=uuid.UUID(pk))
                draft.updated_at = at
                draft.service_name = service_name  # type: ignore[attr-defined]
                draft.service_slug = slug  # type: ignore[attr-defined]
                drafts.append(draft)
    return cases, drafts


def _as_datetime(value: datetime | str) -> datetime:
    """SQLite gives a UNION's datetimes as text or naive UTC; PostgreSQL as aware ones."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None:
        raise ValueError(f"Not a date and time: {value!r}")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


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


def internal_notes(case: Case) -> QuerySet[CaseEvent]:
    """Notes staff wrote for each other, newest first (never shown to the resident)."""
    return (
        case.events.filter(kind=CaseEvent.Kind.INTERNAL_NOTE)
        .select_related("actor")
        .order_by("-at", "-id")
    )


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
    """A case's file as a download (never shown inline: a PDF or image a resident sent must
    not open as a page of ours), named after the case and what the sender called it."""
    attachments = case.attachments.filter(pk=attachment_id)
    if public_only:
        attachments = attachments.filter(is_public=True)
    attachment = attachments.first()
    if attachment is None:
        raise Http404
    content_type = (
        attachment.content_type
        or mimetypes.guess_type(attachment.file.name or "")[0]
        or "application/octet-stream"
    )
    response = download_file_response(
        attachment.file.open("rb"),
        filename=attachment.original_name,
        prefix=case.reference,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# "Reported nearby": an open case of the same service this close is likely the same problem.
NEARBY_METRES = 50
NEARBY_LIMIT = 5
OTHER_CASES_LIMIT = 10


def cases_linked(case: Case, visible: QuerySet[Case]) -> list[Case]:
    """Cases merged into this one as duplicates, or the one it was merged into."""
    references: list[str] = []
    for data in case.events.filter(kind=CaseEvent.Kind.INTERNAL_NOTE).values_list(
        "data", flat=True
    ):
        for key in ("duplicate", "duplicate_of"):
            if isinstance(data, dict) and isinstance(data.get(key), str):
                references.append(data[key])
    if not references:
        return []
    return list(visible.filter(reference__in=references).select_related("service"))


def cases_nearby(case: Case, visible: QuerySet[Case]) -> list[Case]:
    """Open cases of the same service reported within NEARBY_METRES: possible duplicates."""
    if case.lat is None or case.lon is None:
        return []
    # A box of about NEARBY_METRES each way (a degree of latitude is 111 km; in the UK a
    # degree of longitude is about 70 km): no geometry library needed at this scale.
    lat_step = NEARBY_METRES / 111_000
    lon_step = NEARBY_METRES / 70_000
    return list(
        visible.filter(
            service_id=case.service_id,
            status__in=[Case.Status.OPEN, Case.Status.IN_PROGRESS],
            lat__range=(case.lat - lat_step, case.lat + lat_step),
            lon__range=(case.lon - lon_step, case.lon + lon_step),
        )
        .exclude(pk=case.pk)
        .select_related("service")
        .order_by("-created_at")[:NEARBY_LIMIT]
    )


def cases_of_same_resident(case: Case, visible: QuerySet[Case]) -> list[Case]:
    """The resident's other requests that this member of staff may see, newest first."""
    if case.resident_id is None:
        return []
    return list(
        visible.filter(resident_id=case.resident_id)
        .exclude(pk=case.pk)
        .select_related("service")
        .order_by("-created_at")[:OTHER_CASES_LIMIT]
    )
