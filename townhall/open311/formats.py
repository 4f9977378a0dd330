"""Open311 responses in JSON and XML, shaped as GeoReport v2 says.

Both formats are built from the same plain data (dicts and lists), so they always agree.
XML goes through ElementTree, which escapes every value; characters XML cannot carry at all
(control characters) are dropped rather than sent broken.
"""

import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 (building XML, never parsing input) # nosec B405
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse

from townhall.cases.models import Case, CaseEvent
from townhall.catalogue.models import Service
from townhall.core.calendars import LONDON
from townhall.open311.selectors import Attribute, ServiceRequest

JSON = "json"
XML = "xml"
CONTENT_TYPES = {
    JSON: "application/json; charset=utf-8",
    XML: "text/xml; charset=utf-8",
}
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this server's Open311 interface last changed, for discovery's changeset.
CHANGESET = datetime(2026, 11, 23, tzinfo=UTC)

# In XML, each list is an element of repeated children: <services><service>...
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "service_request_updates": "request_update",
    "formats": "format",
    "groups": "group",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

STATUSES: dict[str, str] = {
    Case.Status.OPEN: "open",
    Case.Status.IN_PROGRESS: "open",
    Case.Status.CLOSED: "closed",
}


def w3c(moment: datetime | None) -> str | None:
    """A W3C datetime with its time zone, in UK time: 2026-06-01T09:30:00+01:00."""
    if moment is None:
        return None
    return moment.astimezone(LONDON).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _xml_fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for name, child_value in value.items():
            _xml_fill(ET.SubElement(element, name), child_value)
    elif isinstance(value, list):
        item_name = ITEM_NAMES.get(element.tag, "item")
        for item in value:
            _xml_fill(ET.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def xml_bytes(root: str, data: Any) -> bytes:
    """`data` as an XML document whose root element is `root`."""
    element = ET.Element(root)
    _xml_fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """An Open311 response: `data` as JSON, or as XML under the element `root`."""
    body = xml_bytes(root, data) if fmt == XML else json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors_respond(fmt: str, status: int, errors: list[tuple[int, str]]) -> HttpResponse:
    """The spec's error list: [{code, description}], or <errors><error>... in XML."""
    data = [{"code": code, "description": description} for code, description in errors]
    return respond(fmt, "errors", data, status=status)


def discovery_data(*, base_url: str, contact: str) -> dict:
    return {
        "changeset": w3c(CHANGESET),
        "contact": contact,
        "key_service": "Ask the council's digital team for an API key.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url,
                "changeset": w3c(CHANGESET),
                "type": "production",
                "formats": [CONTENT_TYPES[XML].split(";")[0], CONTENT_TYPES[JSON].split(";")[0]],
            }
        ],
    }


INACTIVE = "inactive"  # mySociety's keyword for a service that takes no new reports
PRIVATE = "private"  # mySociety's keyword: reports to this service are never shown publicly


def service_data(service: Service, has_attributes: bool) -> dict:
    keywords = [k.strip() for k in service.keywords.split(",") if k.strip()]
    if not service.is_published:
        keywords.append(INACTIVE)
    if service.is_sensitive:
        keywords.append(PRIVATE)
    return {
        "service_code": service.open311_code,
        "service_name": service.name,
        "description": service.summary,
        "metadata": has_attributes,
        "type": "realtime",
        "keywords": ",".join(keywords),
        "group": service.department.name,
        "groups": [service.department.name],  # mySociety's extension
    }


def service_definition_data(service: Service, attributes: list[Attribute]) -> dict:
    return {
        "service_code": service.open311_code,
        "attributes": [
            {
                "variable": not attribute.automated,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description,
                "order": attribute.order,
                "description": attribute.description,
                "values": [{"key": key, "name": name} for key, name in attribute.values],
                **({"automated": attribute.automated} if attribute.automated else {}),
            }
            for attribute in attributes
        ],
    }


def request_data(request: ServiceRequest) -> dict:
    """A service request as GeoReport v2 shapes it: the one item of every read, by id or
    in a list, opened or not yet. Contact details are never included."""
    return {
        "service_request_id": request.reference,
        "status": STATUSES.get(request.status, "open"),
        "status_notes": request.status_notes,
        "service_name": request.service_name,
        "service_code": request.service_code,
        "description": request.description,
        "agency_responsible": request.agency,
        "service_notice": None,
        "requested_datetime": w3c(request.requested_at),
        "updated_datetime": w3c(request.updated_at),
        "expected_datetime": w3c(request.expected_at),
        "address": request.address,
        "address_id": request.uprn or None,
        "zipcode": None,
        "lat": request.lat,
        "long": request.lon,
        "media_url": request.media_url or _photo_url(request),
    }


def _photo_url(request: ServiceRequest) -> str | None:
    """Our own address for the first public photo of the request, if it has one."""
    if not request.photo_id:
        return None
    return settings.SITE_URL + reverse("open311:media", args=[request.reference, request.photo_id])


def request_created_data(reference: str, service_notice: str) -> dict:
    return {
        "service_request_id": reference,
        "token": None,
        "service_notice": service_notice,
        "account_id": None,
    }


# mySociety's extended statuses, from a case's status and how it was resolved.
EXTENDED_STATUSES: dict[str, str] = {
    Case.Status.OPEN: "OPEN",
    Case.Status.IN_PROGRESS: "IN_PROGRESS",
    Case.Resolution.COMPLETED: "FIXED",
    Case.Resolution.NO_FURTHER_ACTION: "NO_FURTHER_ACTION",
    Case.Resolution.DUPLICATE: "DUPLICATE",
    Case.Resolution.NOT_COUNCILS_RESPONSIBILITY: "NOT_COUNCILS_RESPONSIBILITY",
    Case.Resolution.WITHDRAWN: "CLOSED",
}


def extended_status(status: str, resolution: str = "") -> str:
    if status == Case.Status.CLOSED:
        return EXTENDED_STATUSES.get(resolution, "CLOSED")
    return EXTENDED_STATUSES.get(status, "OPEN")


def update_data(event: CaseEvent) -> dict:
    """A council update as a mySociety request_update."""
    # A status change carries its own status; a note takes the status the case had then.
    changed = event.data if event.kind == CaseEvent.Kind.STATUS_CHANGED else None
    changed = changed or getattr(event, "status_then", None) or {"to": Case.Status.OPEN}
    status = str(changed.get("to", ""))
    resolution = str(changed.get("resolution", "") or "")
    return {
        "update_id": str(event.pk),
        "service_request_id": event.case.reference,
        "status": extended_status(status, resolution),
        "external_status_code": resolution or status,
        "updated_datetime": w3c(event.at),
        "description": event.text,
        "media_url": None,
    }


def update_created_data(event: CaseEvent) -> dict:
    return {"update_id": str(event.pk)}
