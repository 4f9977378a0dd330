"""Writes for the Open311 door: service requests becoming cases, and their updates.

A posted request is checked in full first (`request_checks`), so a client hears every problem
at once; only a request with no problems is stored, with its case's reference issued, and the
worker then opens its case through `case_create`, the same door the portal and the desk use. Everything
the reads show of it is settled on acceptance (its street looked up too), and the shared
response cache starts a new generation then, so every read finds it from the moment the
client has its id, and opening the case changes only its status notes and updated time.
API clients and their keys live in `clients`.
"""

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from townhall.cases.models import Case, CaseEvent
from townhall.cases.references import reference_next
from townhall.cases.services import case_add_resident_comment
from townhall.catalogue.models import Channel
from townhall.core.calendars import LONDON
from townhall.core.tasks import task_enqueue_in_transaction
from townhall.integrations.outbox.services import outbox_enqueue
from townhall.open311.clients import push_partner_name
from townhall.open311.formats import update_data
from townhall.open311.generation import generation_bump_on_commit
from townhall.open311.models import ApiClient, Open311Submission
from townhall.open311.opening import case_open_from_submission, submission_case_open
from townhall.open311.request_checks import (
    DESCRIPTION_MAX,
    Errors,
    RequestRejected,
    _param,
    service_request_check,
)
from townhall.open311.selectors import (
    request_by_reference,
    requests_accepted_not_yet_opened,
)
from townhall.open311.tasks import open311_case_open

log = logging.getLogger(__name__)
RETRY_WINDOW = timedelta(minutes=10)
SERVICE_NOTICE = "Thank you. The council will look at your report; track it by its reference."


def _same_report_lock(client: ApiClient, what: str) -> None:
    """Hold, until the transaction ends, a lock on this client's report `what`."""
    if connection.vendor == "postgresql":
        digest = int.from_bytes(hashlib.sha256(what.encode()).digest()[:4], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [client.pk, digest])
    else:  # SQLite writes one at a time anyway; the row lock keeps other databases safe
        ApiClient.objects.select_for_update().filter(pk=client.pk).first()


def service_request_create(
    *, client: ApiClient, data: MultiValueDict, files: MultiValueDict | None = None
) -> tuple[str, bool]:
    """Accept a posted request: its case, with channel "open311" and the client's name, is
    opened by the worker moments later (`submission_case_open`); the client gets the case's
    reference at once, as its service_request_id.

    Returns the reference and whether the request is new: the same client posting the same
    report again (same client reference, or the same fields within RETRY_WINDOW) gets the
    first reference back, so a retry after a timeout is harmless. Raises RequestRejected
    with every problem when the request cannot be accepted; then nothing is stored.
    """
    checked, errors = service_request_check(data=data, files=files)
    if checked is None:
        raise RequestRejected(400, errors)
    fingerprint = checked.fingerprint()
    with transaction.atomic():
        # Two identical posts at once (same client reference, or same fields) wait for each
        # other; different reports from the same client go ahead side by side.
        # Both keys a match can come by, always in this order (no deadlock).
        _same_report_lock(client, fingerprint)
        if checked.client_reference:
            _same_report_lock(client, "ref:" + checked.client_reference)
            same = (  # the client's own id: the same report, however late
                Open311Submission.objects.filter(
                    client=client, client_reference=checked.client_reference
                )
                .values_list("reference", flat=True)
                .first()
            )
            if same is not None:
                return same, False
        earlier = (
            Open311Submission.objects.filter(
                client=client,
                fingerprint=fingerprint,
                created_at__gte=timezone.now() - RETRY_WINDOW,
            )
            .order_by("-created_at")
            .values_list("reference", flat=True)
            .first()
        )
        if earlier is not None:
            return earlier, False
        service = checked.service
        reference = reference_next(
            prefix=service.reference_prefix, year=timezone.now().astimezone(LONDON).year
        )
        submission = Open311Submission.objects.create(
            client=client,
            reference=reference,
            service=service,
            fingerprint=fingerprint,
            description=checked.description,
            attributes=checked.attributes,
            media_url=checked.media_url,
            client_reference=checked.client_reference,
            intake={
                "summary": checked.description.split("\n", 1)[0][:200] or service.name,
                "lat": checked.lat,
                "lon": checked.lon,
                "uprn": checked.uprn,
                "usrn": checked.usrn,
                "location_text": checked.location_text,
                "name": checked.name,
                "email": checked.email,
                "phone": checked.phone,
                "street_checked": checked.street_checked,
            },
        )
        # Lists kept in the shared cache must show this request from the moment its id is
        # given, not only once its case opens.
        generation_bump_on_commit()
        if checked.photos:  # files are not JSON: a post with photos opens its case now
            case_open_from_submission(submission, photos=checked.photos)
        else:
            task_enqueue_in_transaction(open311_case_open, submission_id=submission.pk)
    return reference, True


def submissions_unopened_open(*, older_than: datetime) -> int:
    """Open the case of every request accepted before `older_than` that still has none (its
    task was lost, failed for good, or waits behind a dead worker); returns how many.

    Racing the task is harmless: both go through `submission_case_open`, which locks the
    submission row and opens its case only if it has none (and a case's reference is
    unique). One failing submission does not stop the others; it is tried again next sweep."""
    waiting = Open311Submission.objects.filter(
        case__isnull=True, created_at__lt=older_than
    ).values_list("pk", flat=True)
    opened = 0
    for submission_id in list(waiting.order_by("created_at")[:500]):
        try:
            submission_case_open(submission_id=submission_id)
        except (OperationalError, InterfaceError):
            raise  # the database is gone: the caller's loop waits for it
        except Exception:
            log.exception("Open311 submission %s: its case could not be opened", submission_id)
            continue
        opened += 1
    if opened:
        log.warning("opened %s case(s) of Open311 requests accepted but never opened", opened)
    return opened


def request_update_create(*, client: ApiClient, data: MultiValueDict) -> CaseEvent:
    """Record an update a client posts on a request (mySociety's POST servicerequestupdates):
    a comment from the person who reported it, added through the cases' own door.

    The client's `update_id` (or, without one, the text) is the idempotency key, so an update
    posted twice is recorded once. Raises RequestRejected with every problem.
    """
    errors: Errors = []
    reference = _param(data, "service_request_id")
    case = request_by_reference(reference) if reference else None
    if not reference:
        errors.append((400, "service_request_id is required."))
    elif case is None and requests_accepted_not_yet_opened().filter(reference=reference).exists():
        # The reads show it already; a comment needs the case, which opens moments later.
        errors.append(
            (
                409,
                f"{reference} was accepted and its case is still being opened: "
                "post the update again in a minute.",
            )
        )
    elif case is None:
        errors.append((404, f"No service request has the id '{reference[:40]}'."))
    description = _param(data, "description").replace("\r\n", "\n")
    media_url = _param(data, "media_url")
    if not description and not media_url:
        errors.append((400, "description is required."))
    if len(description) > DESCRIPTION_MAX:
        errors.append((400, f"description must be {DESCRIPTION_MAX:,} characters or fewer."))
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append((400, "media_url must be an http or https URL."))
    if case is not None and not case.is_open:
        errors.append((400, f"{case.reference} is closed, so it takes no more updates."))
    if errors or case is None:
        codes = {code for code, _ in errors}
        status = codes.pop() if len(codes) == 1 and codes <= {404, 409} else 400
        raise RequestRejected(status, errors)
    update_id = _param(data, "update_id")[:40]
    key_source = update_id or hashlib.sha256(f"{description}|{media_url}".encode()).hexdigest()
    text = "\n".join(part for part in (description, media_url) if part)
    try:
        return case_add_resident_comment(
            case=case,
            resident=None,
            text=text,
            idempotency_key=f"open311:{client.pk}:{key_source}"[:64],
        )
    except (ValidationError, PermissionDenied) as refused:
        raise RequestRejected(400, [(400, str(refused.args[0]))]) from refused


def open311_update_push(*, case: Case, **kwargs: Any) -> None:
    """Case hook: a status change of a report a pushing client sent goes to its outbox, in
    the change's own transaction, as the same update GET servicerequestupdates would give."""
    if case.channel != Channel.OPEN311:
        return
    submission = Open311Submission.objects.select_related("client").filter(case_id=case.pk).first()
    if submission is None or not submission.client.push_url or not submission.client.is_active:
        return
    event = case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED).order_by("-at", "-id").first()
    if event is None:
        return
    outbox_enqueue(
        partner=push_partner_name(submission.client_id),
        operation="service_request_update",
        payload=update_data(event),
        idempotency_key=f"open311-push-{event.pk}",
        correlation=case.reference,
    )


def open311_cache_refresh(**kwargs: Any) -> None:
    """Case hook: public reads cached before this change are not served once it commits."""
    generation_bump_on_commit()
