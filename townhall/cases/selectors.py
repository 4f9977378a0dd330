"""Reads of cases that more than one view needs. Residents only ever reach their own."""

import mimetypes
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseAttachment, CaseEvent, CaseHandOn
from townhall.core.downloads import download_file_response
from townhall.integrations.models import OutboxMessage, SentMessage

PUBLIC_KINDS = [
    CaseEvent.Kind.CREATED,
    CaseEvent.Kind.STATUS_CHANGED,
    CaseEvent.Kind.PUBLIC_NOTE,
    CaseEvent.Kind.RESIDENT_COMMENT,
]


# My Account's lists, rendered, are kept in the shared cache per resident and language for
# settings.MY_ACCOUNT_KEEP_SECONDS; every write to the resident's cases or saved forms drops
# them (cases.services.my_account_forget), and the time limit bounds what no write announces
# (a service renamed).
def my_account_cache_key(user_id: int, language: str) -> str:
    # By language as settings.LANGUAGES names them ("en-gb" is kept as "en").
    return f"cases:my-account:{user_id}:{language.split('-')[0]}"


def case_for_resident(user: User, reference: str) -> Case:
    case = (
        # The hand-on too: the request page shows it (case_hand_on reads it from here).
        Case.objects.select_related("service", "submission__form_version", "hand_on")
        .filter(reference=reference[:20], resident=user)
        .first()
    )
    if case is None:
        raise Http404
    return case


def case_by_tracking_token(token: str) -> Case:
    case = (
        Case.objects.select_related("service", "submission__form_version", "hand_on")
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


def case_hand_on(case: Case) -> CaseHandOn | None:
    """The case's hand-on to the council responsible for it, if it was handed on (no query
    when the case was read with select_related("hand_on"))."""
    related = Case.hand_on.related
    if related.is_cached(case):
        return cast(CaseHandOn | None, related.get_cached_value(case))
    return CaseHandOn.objects.filter(case=case).first()


def case_hand_on_delivery(hand_on: CaseHandOn | None) -> dict[str, Any]:
    """How sending the hand-on goes, for the desk: the outbox message's (Open311) or the
    email's status and its last error."""
    if hand_on is None:
        return {}
    if hand_on.method == "open311":
        found: Any = OutboxMessage.objects.filter(idempotency_key=hand_on.message_key).first()
    else:
        found = SentMessage.objects.filter(idempotency_key=hand_on.message_key).first()
    if found is None:
        return {"status": gettext("Not queued"), "error": hand_on.last_error}
    return {
        "status": found.get_status_display(),
        "attempts": getattr(found, "attempts", 0) or 0,  # a number: the page counts it
        "error": found.last_error or hand_on.last_error,
    }


# Repeat missed bins at one address: this many reports within this many weeks make the
# address a candidate for an assisted collection (the crew fetches the bin).
REPEAT_MISSES = 3
REPEAT_MISSES_WEEKS = 12
MISSED_BIN_SERVICE = "report-a-missed-bin-collection"


@dataclass(frozen=True)
class RepeatMisses:
    count: int
    weeks: int
    references: list[str]


def missed_bin_service() -> str:
    """The slug of the service residents report missed bins with."""
    return str(getattr(settings, "WASTE_MISSED_BIN_SERVICE", MISSED_BIN_SERVICE))


def missed_bin_repeats(uprn: str, at: datetime | None = None) -> RepeatMisses | None:
    """The missed-bin reports at `uprn` in the weeks up to `at` (now), when there are as many
    as the council's threshold (WASTE_REPEAT_MISSES in WASTE_REPEAT_MISSES_WEEKS): the address
    is an assisted collection candidate. None below it, or with no address."""
    if not uprn:
        return None
    at = at or timezone.now()
    weeks = int(getattr(settings, "WASTE_REPEAT_MISSES_WEEKS", REPEAT_MISSES_WEEKS))
    threshold = int(getattr(settings, "WASTE_REPEAT_MISSES", REPEAT_MISSES))
    references = list(
        Case.objects.filter(
            uprn=uprn,
            service__slug=missed_bin_service(),
            created_at__gt=at - timedelta(weeks=weeks),
            created_at__lte=at,
        )
        .order_by("-created_at")
        .values_list("reference", flat=True)
    )
    if len(references) < threshold:
        return None
    return RepeatMisses(count=len(references), weeks=weeks, references=references)
