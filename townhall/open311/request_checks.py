"""Checking what an Open311 client sends, before anything is written.

The door's parameters (a `MultiValueDict` from the query string or the posted form) are read
here and only here: a posted request is checked in full, so a client hears every problem at
once (`service_request_check`), and the read endpoints' filters are checked the same way
(`requests_query_check`, `request_updates_query_check`). Each returns a typed result the
writes and reads take, never the raw parameters.
"""

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_date, parse_datetime

from townhall.catalogue.models import Service
from townhall.core.calendars import LONDON
from townhall.core.uploads import upload_check
from townhall.eforms.fields import clean_text
from townhall.open311.opening import street_near
from townhall.open311.selectors import (
    CLIENT_REFERENCE,
    CLOSEST_ADDRESS,
    Attribute,
    service_attributes,
    service_by_code,
    service_pages_on_route,
)
from townhall.places import selectors as places

DESCRIPTION_MAX = 4000
MAX_PHOTOS = 3
NAME_MAX = 75

_ATTRIBUTE_PARAM = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")

Errors = list[tuple[int, str]]


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
