"""Writes for the Open311 door: API clients, and service requests becoming cases.

A posted request is checked in full first, so a client hears every problem at once; only a
request with no problems is stored, with its case's reference issued, and the worker then
opens its case through `case_create`, the same door the portal and the desk use. Everything
the reads show of it is settled on acceptance (its street looked up too), and the shared
response cache starts a new generation then, so every read finds it from the moment the
client has its id, and opening the case changes only its status notes and updated time.
"""

import hashlib
import json
import logging
import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_date, parse_datetime

from townhall.cases.models import Case, CaseEvent
from townhall.cases.references import reference_next
from townhall.cases.services import case_add_resident_comment
from townhall.catalogue.models import Channel, Service
from townhall.core.calendars import LONDON
from townhall.core.memo import ProcessMemo
from townhall.core.tasks import task_enqueue_in_transaction
from townhall.core.uploads import upload_check
from townhall.eforms.fields import clean_text
from townhall.integrations.models import PartnerEndpoint
from townhall.integrations.outbound import outbound_url_check
from townhall.integrations.outbox.services import outbox_enqueue
from townhall.open311.formats import update_data
from townhall.open311.generation import generation_bump_on_commit
from townhall.open311.models import ApiClient, Open311Submission
from townhall.open311.opening import case_open_from_submission, street_near, submission_case_open
from townhall.open311.selectors import (
    CLIENT_REFERENCE,
    CLOSEST_ADDRESS,
    Attribute,
    request_by_reference,
    requests_accepted_not_yet_opened,
    service_attributes,
    service_by_code,
    service_pages_on_route,
)
from townhall.open311.tasks import open311_case_open
from townhall.places import selectors as places

log = logging.getLogger(__name__)

DESCRIPTION_MAX = 4000
RETRY_WINDOW = timedelta(minutes=10)
MAX_PHOTOS = 3
KEY_PREFIX_LENGTH = 6
NAME_MAX = 75
SERVICE_NOTICE = "Thank you. The council will look at your report; track it by its reference."

_ATTRIBUTE_PARAM = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")

Errors = list[tuple[int, str]]


def _key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_client_create(*, name: str, key: str | None = None) -> tuple[ApiClient, str]:
    """Register a client and return it with its raw key, which is shown once and never
    stored. `key` is for fixed keys (the demo's); normally a random one is made."""
    raw_key = key or secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name.strip()[:100],
        key_hash=_key_hash(raw_key),
        key_prefix=raw_key[:KEY_PREFIX_LENGTH],
    )
    return client, raw_key


def api_client_ensure(*, name: str, key: str) -> ApiClient:
    """The client holding this fixed key, created if there is none (for the demo). A client
    that was revoked stays revoked."""
    existing = ApiClient.objects.filter(key_hash=_key_hash(key)).first()
    return existing or api_client_create(name=name, key=key)[0]


# Every keyed request looks its client up: a found client is kept per process for
# OPEN311_KEY_SECONDS, so a revoked key stops working everywhere within those seconds (at
# once in the process that revoked it). Wrong keys are not kept: a new key works at once.
_clients_kept = ProcessMemo("OPEN311_KEY_SECONDS")


def api_client_for_key(raw_key: str | None) -> ApiClient | None:
    """The active client holding this key, or None for no key, a wrong one or a revoked one."""
    if not raw_key:
        return None
    key_hash = _key_hash(raw_key)

    def load() -> ApiClient | None:
        return ApiClient.objects.filter(
            key_hash=key_hash, is_active=True, revoked_at__isnull=True
        ).first()

    client = _clients_kept.get(key_hash, load)
    if client is None:
        _clients_kept.forget(key_hash)
    return client


def api_client_revoke(*, client: ApiClient) -> ApiClient:
    """Stop a client's key working; its past reports keep their link to it."""
    client.is_active = False
    client.revoked_at = client.revoked_at or timezone.now()
    client.save(update_fields=["is_active", "revoked_at"])
    _clients_kept.forget(client.key_hash)
    return client


class RequestRejected(Exception):
    """A posted request that cannot be accepted, with every reason and the HTTP status."""

    def __init__(self, status: int, errors: Errors) -> None:
        super().__init__("; ".join(description for _, description in errors))
        self.status = status
        self.errors = errors


@dataclass
class CheckedRequest:
    """A posted request that passed every check, ready to become a case."""

    service: Service
    description: str
    lat: float | None
    lon: float | None
    uprn: str
    usrn: str
    location_text: str
    email: str
    phone: str
    name: str
    media_url: str
    attributes: dict[str, Any] = field(default_factory=dict)
    client_reference: str = ""
    photos: list[Any] = field(default_factory=list)
    # Whether the street at lat/long was looked for (found or not) when the post was checked.
    street_checked: bool = False

    def fingerprint(self) -> str:
        """What makes two posts the same report, for idempotent retries."""
        parts = [
            self.service.open311_code,
            None if self.lat is None else round(self.lat, 6),
            None if self.lon is None else round(self.lon, 6),
            self.description,
            self.email.lower(),
        ]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _param(data: MultiValueDict, name: str) -> str:
    """A parameter's value, stripped; empty counts as absent (the spec's rule)."""
    value = data.get(name)
    return clean_text(value) if isinstance(value, str) else ""


def _coordinate(data: MultiValueDict, name: str, limit: float, errors: Errors) -> float | None:
    raw = _param(data, name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        errors.append((400, f"{name} must be a decimal number of degrees, like 51.1465."))
        return None
    if not math.isfinite(value) or not -limit <= value <= limit:
        errors.append((400, f"{name} must be between -{limit:g} and {limit:g} degrees."))
        return None
    return value


def _attribute_answers(data: MultiValueDict) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for name in data:
        match = _ATTRIBUTE_PARAM.match(name)
        if match:
            values = [clean_text(v) for v in data.getlist(name) if isinstance(v, str)]
            answers.setdefault(match.group(1), []).extend(v for v in values if v)
    return answers


def _attribute_check(attribute: Attribute, values: list[str], errors: Errors) -> Any:
    code = attribute.code
    if not values:
        if attribute.required:
            errors.append((400, f"attribute[{code}] is required: {attribute.description}"))
        return None
    if attribute.datatype == "multivaluelist":
        wrong = [v for v in values if v not in attribute.keys]
        if wrong:
            errors.append(
                (
                    400,
                    f"attribute[{code}] has values not in its list: {', '.join(wrong)}. "
                    f"Use keys from: {', '.join(sorted(attribute.keys))}.",
                )
            )
        return list(dict.fromkeys(values))
    if len(values) > 1:
        errors.append((400, f"attribute[{code}] takes one value, not {len(values)}."))
        return None
    value = values[0]
    if attribute.datatype == "singlevaluelist" and value not in attribute.keys:
        errors.append(
            (
                400,
                f"attribute[{code}] value '{value}' is not in its list. "
                f"Use one of: {', '.join(sorted(attribute.keys))}.",
            )
        )
    elif attribute.datatype == "number":
        try:
            number = float(value)
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            errors.append((400, f"attribute[{code}] must be a number."))
            return None
        return int(number) if number.is_integer() else number
    elif attribute.datatype == "datetime":
        moment = parse_datetime(value) if "T" in value else None
        day = moment.date() if moment else parse_date(value) if len(value) == 10 else None
        if day is None:
            errors.append((400, f"attribute[{code}] must be a date, like 2026-01-31."))
            return None
        return day.isoformat()
    elif len(value) > DESCRIPTION_MAX:
        errors.append((400, f"attribute[{code}] must be {DESCRIPTION_MAX:,} characters or fewer."))
    return value


def _photos_check(files: MultiValueDict | None, errors: Errors) -> list[Any]:
    """Photos posted with the report (multipart), checked by content like the portal's."""
    uploads = [f for name in (files or {}) for f in (files.getlist(name) if files else [])]
    if len(uploads) > MAX_PHOTOS:
        errors.append((400, f"Send at most {MAX_PHOTOS} photos with a report."))
        return []
    checked = []
    for upload in uploads:
        try:
            checked.append(upload_check(upload))
        except ValidationError as error:
            errors.append((400, f"media: {' '.join(error.messages)}"))
    return checked


def service_request_check(
    *, data: MultiValueDict, files: MultiValueDict | None = None
) -> tuple[CheckedRequest | None, Errors]:
    """Check a posted GeoReport v2 request. Returns the checked request, or None with every
    problem found (each a status code and a description a client developer can act on)."""
    errors: Errors = []
    code = _param(data, "service_code")
    service = service_by_code(code)
    if not code:
        errors.append((400, "service_code is required. GET services for the list of codes."))
    elif service is None and service_by_code(code, retired_too=True) is not None:
        errors.append((400, f"service_code '{code[:60]}' is retired and takes no new reports."))
    elif service is None:
        errors.append(
            (400, f"service_code '{code[:60]}' is not a service here. GET services for the codes.")
        )

    lat = _coordinate(data, "lat", 90, errors)
    lon = _coordinate(data, "long", 180, errors)
    has_lat, has_long = bool(_param(data, "lat")), bool(_param(data, "long"))
    address_string = _param(data, "address_string")[:255]
    address_id = _param(data, "address_id")
    uprn, usrn, location_text = "", "", address_string
    if has_lat != has_long:
        errors.append((400, "Give both lat and long, or neither."))
    if not (has_lat or has_long or address_string or address_id):
        errors.append((400, "A location is required: lat and long, address_string or address_id."))
    if address_id:
        address = places.address_by_uprn(address_id)
        if address is None:
            errors.append((400, f"address_id '{address_id[:20]}' is not a UPRN in the council."))
        else:
            uprn, usrn = address.uprn, address.street.usrn
            location_text = location_text or str(address)
            if lat is None and lon is None and not (has_lat or has_long):
                lat, lon = address.lat, address.lon
    if lat is not None and lon is not None and not places.is_within_council_area(lat, lon):
        errors.append((400, f"The location {lat:.5f}, {lon:.5f} is outside the council's area."))

    description = _param(data, "description").replace("\r\n", "\n")
    if len(description) > DESCRIPTION_MAX:
        errors.append(
            (
                400,
                f"description must be {DESCRIPTION_MAX:,} characters or fewer "
                f"(it has {len(description):,}).",
            )
        )
    email = _param(data, "email")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append((400, "email is not a valid email address."))
    media_url = _param(data, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors.append((400, "media_url must be an http or https URL."))

    answers = _attribute_answers(data)
    attributes: dict[str, Any] = {}
    if service is not None:
        defined = service_attributes(service)
        unknown = sorted(set(answers) - {a.code for a in defined})
        if unknown:
            errors.append(
                (
                    400,
                    f"Unknown attributes for {service.open311_code}: "
                    f"{', '.join(u[:40] for u in unknown[:10])}. "
                    "GET the service definition for its attributes.",
                )
            )
        for attribute in defined:
            value = _attribute_check(attribute, answers.get(attribute.code, []), errors)
            if value is not None:
                attributes[attribute.code] = value
        automated = {a.code: attributes.pop(a.code, "") for a in defined if a.automated}
        client_reference = str(automated.get(CLIENT_REFERENCE) or _param(data, "client_reference"))
        if len(client_reference) > 100:
            errors.append((400, f"attribute[{CLIENT_REFERENCE}] must be 100 characters or fewer."))
        location_text = location_text or str(automated.get(CLOSEST_ADDRESS) or "")[:255]
        # Questions on pages that a branch may skip are required only on this report's route.
        route = service_pages_on_route(service, attributes)
        for attribute in defined:
            if (
                not attribute.required
                and attribute.required_on_route
                and attribute.page in route
                and attribute.code not in attributes
                and not answers.get(attribute.code)
            ):
                errors.append(
                    (
                        400,
                        f"attribute[{attribute.code}] is required with the answers given: "
                        f"{attribute.description}",
                    )
                )

    photos = _photos_check(files, errors)
    if errors or service is None:
        return None, errors
    street_checked = False
    if lat is not None and lon is not None and not usrn:
        street_checked = True
        # The street is found now, not when the case opens: the address every read gives
        # from the moment the id is given is then the one the case keeps.
        usrn, location_text = street_near(lat, lon, location_text)
    name = " ".join(p for p in (_param(data, "first_name"), _param(data, "last_name")) if p)
    return (
        CheckedRequest(
            service=service,
            description=description,
            lat=lat,
            lon=lon,
            uprn=uprn,
            usrn=usrn,
            location_text=location_text,
            email=email,
            phone=_param(data, "phone")[:20],
            name=name[: NAME_MAX * 2],
            media_url=media_url[:500],
            attributes=attributes,
            client_reference=client_reference[:100],
            photos=photos,
            street_checked=street_checked,
        ),
        [],
    )


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


DEFAULT_WINDOW = timedelta(days=90)
STATUS_VALUES = {"open", "closed"}


@dataclass
class RequestsQuery:
    """The filters of a GET requests, checked."""

    references: list[str] = field(default_factory=list)
    service_codes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None


def _comma_list(data: MultiValueDict, name: str) -> list[str]:
    values = [v for raw in data.getlist(name) if isinstance(raw, str) for v in raw.split(",")]
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))[:1000]


def _w3c_parse(data: MultiValueDict, name: str, errors: Errors) -> datetime | None:
    raw = _param(data, name)
    if not raw:
        return None
    moment = parse_datetime(raw.replace(" ", "+")) if "T" in raw else None
    if moment is None:
        day = parse_date(raw) if len(raw) == 10 else None
        if day is None:
            errors.append((400, f"{name} must be a W3C datetime, like 2026-01-31T00:00:00Z."))
            return None
        moment = datetime(day.year, day.month, day.day, tzinfo=LONDON)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=LONDON)
    if not 1900 <= moment.year <= 9000:
        errors.append((400, f"{name} must be a date between the years 1900 and 9000."))
        return None
    # In UTC: the database takes no offset beyond ±15:59, W3C dates may carry any.
    return moment.astimezone(UTC)


def _date_window(data: MultiValueDict, errors: Errors) -> tuple[datetime, datetime]:
    """start_date and end_date with the spec's defaults: with neither, the last 90 days;
    one alone reaches 90 days from it; a range may not span more."""
    start = _w3c_parse(data, "start_date", errors)
    end = _w3c_parse(data, "end_date", errors)
    if start is None:
        end = end or timezone.now()
        start = end - DEFAULT_WINDOW
    elif end is None:
        end = start + DEFAULT_WINDOW
    if start > end:
        errors.append((400, "start_date must be before end_date."))
    elif end - start > DEFAULT_WINDOW:
        errors.append((400, "start_date and end_date may not span more than 90 days."))
    return start, end


def requests_query_check(*, data: MultiValueDict) -> tuple[RequestsQuery, Errors]:
    """Check the filters of GET requests, with the spec's 90-day window for dates."""
    errors: Errors = []
    query = RequestsQuery(
        references=_comma_list(data, "service_request_id"),
        service_codes=_comma_list(data, "service_code"),
        statuses=[s.lower() for s in _comma_list(data, "status")],
    )
    wrong = [s for s in query.statuses if s not in STATUS_VALUES]
    if wrong:
        errors.append((400, f"status must be open or closed, not {', '.join(wrong[:5])}."))
    if query.references:
        _date_window(data, errors)  # still checked, then ignored: ids override every filter
        return query, errors
    query.start, query.end = _date_window(data, errors)
    return query, errors


@dataclass
class UpdatesQuery:
    start: datetime
    end: datetime


def request_updates_query_check(*, data: MultiValueDict) -> tuple[UpdatesQuery, Errors]:
    """Check the filters of mySociety's GET servicerequestupdates (a 90-day window)."""
    errors: Errors = []
    start, end = _date_window(data, errors)
    return UpdatesQuery(start=start, end=end), errors


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


def push_partner_name(client_id: int) -> str:
    return f"open311-client-{client_id}"


def api_client_push_set(*, client: ApiClient, url: str) -> str:
    """Push this client's status updates to `url` (blank: stop). Returns the new signing
    secret to give the client (shown once), or "" when pushing stops.

    Raises OutboundRefused (a ValidationError saying why) for an address the server must not
    post to: not https, or a name resolving to a loopback, private or link-local address."""
    url = url.strip()
    if url:
        endpoint = PartnerEndpoint.objects.filter(name=push_partner_name(client.pk)).first()
        url = outbound_url_check(url, partner_hosts=endpoint.allowed_hosts if endpoint else ())
    with transaction.atomic():
        client.push_url = url
        client.save(update_fields=["push_url"])
        name = push_partner_name(client.pk)
        if not url:
            PartnerEndpoint.objects.filter(name=name).update(enabled=False)
            return ""
        secret = secrets.token_urlsafe(32)
        PartnerEndpoint.objects.update_or_create(
            name=name,
            defaults={"title": f"{client.name} (Open311)", "url": url, "secret": secret,
                      "enabled": True, "max_in_flight": 4},
        )  # fmt: skip
    return secret


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
