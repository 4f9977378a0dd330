"""Who may continue a form session, and the context a form page template needs.

Used by the portal, and by the desk when an agent fills a form on a caller's behalf.
"""

from typing import Any

from django.http import Http404, HttpRequest

from townhall.eforms.engine import Page
from townhall.eforms.fields import FieldResult, answer_display
from townhall.eforms.models import FormSession, UploadedFile
from townhall.places import selectors as places

GUEST_SESSIONS_KEY = "form_sessions"


def guest_session_remember(request: HttpRequest, session: FormSession) -> None:
    ids = request.session.get(GUEST_SESSIONS_KEY, [])
    ids = [*ids[-19:], str(session.pk)]
    request.session[GUEST_SESSIONS_KEY] = ids


def form_session_for_request(request: HttpRequest, session_id: Any, slug: str) -> FormSession:
    """The form session if this person may use it; 404 otherwise (never reveal others')."""
    session = (
        FormSession.objects.select_related("form_version", "service", "user")
        .filter(pk=session_id, service__slug=slug)
        .first()
    )
    if session is None:
        raise Http404
    user = request.user
    if session.raised_by_id is not None:
        allowed = user.is_authenticated and session.raised_by_id == user.pk
    elif session.user_id is not None:
        allowed = user.is_authenticated and session.user_id == user.pk
    else:
        allowed = str(session.pk) in request.session.get(GUEST_SESSIONS_KEY, [])
    if not allowed:
        raise Http404
    return session


def _prefill(field: dict, session: FormSession) -> dict:
    owner = session.user
    if owner is None or not field.get("prefill"):
        return {}
    key = field["prefill"]
    if key == "address" and owner.uprn:
        return {"uprn": owner.uprn}
    value = {"full_name": owner.full_name, "email": owner.email, "phone": owner.phone}.get(key, "")
    return {"value": value} if value else {}


def _raw_from_answer(field: dict, value: Any) -> dict:
    kind = field["type"]
    if value is None:
        return {}
    if kind == "checkboxes":
        return {"values": value}
    if kind == "date":
        year, month, day = value.split("-")
        return {"day": str(int(day)), "month": str(int(month)), "year": year}
    if kind == "address":
        return {"uprn": value.get("uprn", ""), "query": value.get("postcode", "")}
    if kind == "location":
        return {
            "lat": value.get("lat"),
            "lon": value.get("lon"),
            "query": "",
            "text": value.get("text", ""),
        }
    if kind == "declaration":
        return {"value": "yes"}
    return {"value": value}


def page_fields_context(
    page: Page, session: FormSession, results: dict[str, FieldResult] | None = None
) -> list[dict]:
    """Everything a field template needs: definition, current raw value, error, choices."""
    results = results or {}
    fields = []
    for field in page.fields:
        name = field["name"]
        result = results.get(name)
        if result is not None:
            raw, error, choices = result.raw, result.error, result.choices
        else:
            raw = _raw_from_answer(field, session.answers.get(name)) or _prefill(field, session)
            error, choices = "", []
        context = {
            "field": field,
            "id": f"f-{name}",
            "raw": raw,
            "error": error,
            "choices": choices,
            "is_heading": page.heading_field is field,
        }
        if field["type"] == "file":
            ids = session.answers.get(name) or []
            context["files"] = list(UploadedFile.objects.filter(form_session=session, pk__in=ids))
        if field["type"] == "address" and raw.get("uprn") and not choices:
            address = places.address_by_uprn(raw["uprn"])
            if address is not None:
                context["choices"] = [{"value": address.uprn, "label": address.single_line}]
        if field["type"] == "location" and not raw.get("lat"):
            # Offer the position a photo was taken at, read from its EXIF before stripping.
            photo = (
                UploadedFile.objects.filter(form_session=session, gps_lat__isnull=False)
                .order_by("uploaded_at")
                .first()
            )
            if (
                photo is not None
                and photo.gps_lat is not None
                and photo.gps_lon is not None
                and places.is_within_council_area(photo.gps_lat, photo.gps_lon)
            ):
                context["suggested"] = {"lat": photo.gps_lat, "lon": photo.gps_lon}
        fields.append(context)
    return fields


def check_answers_rows(flow, session: FormSession) -> list[dict]:
    rows = []
    for page in flow.route(session.answers):
        for field in page.fields:
            rows.append(
                {
                    "label": field["label"],
                    "value": answer_display(field, session.answers.get(field["name"])),
                    "page_id": page.id,
                    "field_id": f"f-{field['name']}",
                }
            )
    return rows
