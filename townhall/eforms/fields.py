"""Each component type reads its answer from a POST, validates it, and says exactly what to fix.

Answers are JSON: text as str, numbers as int/float, dates as ISO strings, choices as the
option value (checkboxes as a list), addresses and locations as small dicts with UPRN/USRN.
"""

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import dateformat, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from townhall.bookings import selectors as bookings
from townhall.bookings.models import BookingArea, Slot
from townhall.bookings.services import day_text
from townhall.places import selectors as places
from townhall.places.services import postcode_normalise

TEXT_MAX = 500
TEXTAREA_MAX = 5000
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
UK_PHONE = re.compile(r"^0\d{9,10}$")
# The parts of a date an error names as missing ("must include a day and a month").
DATE_PARTS = {
    "day": gettext_lazy("day"),
    "month": gettext_lazy("month"),
    "year": gettext_lazy("year"),
}


@dataclass
class FieldResult:
    value: Any = None
    error: str = ""
    raw: dict[str, Any] = dc_field(default_factory=dict)
    choices: list[dict] = dc_field(default_factory=list)  # candidates to pick from, if any


@dataclass
class AnswersSoFar:
    """What a question reading earlier answers needs (a slot reads the address and the
    number of items): the service, the answers given, and every question of the form."""

    service_id: int
    answers: dict[str, Any]
    fields: dict[str, dict]


def _name_for_errors(field: dict) -> str:
    if field.get("error_name"):
        return field["error_name"]
    label = field["label"].rstrip("?").rstrip()
    return label[0].lower() + label[1:] if label else gettext("an answer")


def _label_for_errors(field: dict) -> str:
    name = _name_for_errors(field)
    return name[0].upper() + name[1:]


def clean_text(value: str) -> str:
    return CONTROL_CHARS.sub("", value or "").strip()


def _text(field: dict, data, _lookup) -> FieldResult:
    limit = field.get("max_length", TEXTAREA_MAX if field["type"] == "textarea" else TEXT_MAX)
    raw = data.get(field["name"], "")
    value = clean_text(raw).replace("\r\n", "\n")
    result = FieldResult(value=value, raw={"value": raw[: limit * 2]})
    if not value:
        result.value = None
        if field.get("required"):
            result.error = gettext("Enter %(name)s") % {"name": _name_for_errors(field)}
    elif len(value) > limit:
        result.error = gettext("%(label)s must be %(limit)s characters or fewer") % {
            "label": _label_for_errors(field),
            "limit": number_format(limit, force_grouping=True),
        }
    elif len(value) < field.get("min_length", 0):
        result.error = gettext("%(label)s must be %(limit)s characters or more") % {
            "label": _label_for_errors(field),
            "limit": number_format(field["min_length"], force_grouping=True),
        }
    elif field.get("pattern") and not _pattern_matches(field["pattern"], value):
        result.error = field.get("pattern_error") or (
            gettext("Enter %(name)s in the right format") % {"name": _name_for_errors(field)}
        )
    return result


def _pattern_matches(pattern: str, value: str) -> bool:
    """The whole answer matches the designer's pattern (a pattern that does not compile,
    which the builder refuses, matches nothing rather than failing the page)."""
    try:
        return re.fullmatch(pattern, value) is not None
    except re.error:
        return False


def _email(field: dict, data, _lookup) -> FieldResult:
    raw = data.get(field["name"], "")
    value = clean_text(raw).lower()
    result = FieldResult(value=value or None, raw={"value": raw[:300]})
    if not value:
        if field.get("required"):
            result.error = gettext("Enter an email address")
        return result
    try:
        validate_email(value)
    except ValidationError:
        result.error = gettext(
            "Enter an email address in the correct format, like name@example.com"
        )
    return result


def phone_normalise(text: str) -> str | None:
    digits = re.sub(r"[\s\-().]", "", text or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:].lstrip("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].lstrip("0")
    return digits if UK_PHONE.match(digits) else None


def _phone(field: dict, data, _lookup) -> FieldResult:
    raw = data.get(field["name"], "")
    result = FieldResult(raw={"value": raw[:40]})
    if not clean_text(raw):
        if field.get("required"):
            result.error = gettext("Enter a phone number")
        return result
    result.value = phone_normalise(raw)
    if result.value is None:
        result.error = gettext("Enter a UK phone number, like 01632 960 001 or 07700 900 982")
    return result


def _number(field: dict, data, _lookup) -> FieldResult:
    raw = data.get(field["name"], "")
    text = clean_text(raw).replace(",", "")
    result = FieldResult(raw={"value": raw[:40]})
    label = _label_for_errors(field)
    if not text:
        if field.get("required"):
            result.error = gettext("Enter %(name)s") % {"name": _name_for_errors(field)}
        return result
    try:
        number = float(text)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError
    except ValueError:
        result.error = gettext("%(label)s must be a number, like 3") % {"label": label}
        return result
    if field.get("integer") and not number.is_integer():
        result.error = gettext("%(label)s must be a whole number, like 3") % {"label": label}
        return result
    if "min" in field and number < field["min"]:
        result.error = gettext("%(label)s must be %(limit)s or more") % {
            "label": label,
            "limit": f"{field['min']:g}",
        }
    elif "max" in field and number > field["max"]:
        result.error = gettext("%(label)s must be %(limit)s or less") % {
            "label": label,
            "limit": f"{field['max']:g}",
        }
    result.value = int(number) if number.is_integer() else number
    return result


def _date(field: dict, data, _lookup) -> FieldResult:
    name = field["name"]
    parts = {p: clean_text(data.get(f"{name}-{p}", ""))[:6] for p in ("day", "month", "year")}
    result = FieldResult(raw=parts)
    label = _label_for_errors(field)
    missing = [p for p, v in parts.items() if not v]
    if len(missing) == 3:
        if field.get("required"):
            result.error = gettext("Enter %(name)s") % {"name": _name_for_errors(field)}
            result.raw["invalid"] = ["day", "month", "year"]
        return result
    if missing:
        missing_text = gettext(" and a ").join(str(DATE_PARTS[part]) for part in missing)
        result.error = gettext("%(label)s must include a %(parts)s") % {
            "label": label,
            "parts": missing_text,
        }
        result.raw["invalid"] = missing
        return result
    try:
        year = int(parts["year"])
        if year < 1000:
            result.error = gettext("Year must include 4 numbers")
            result.raw["invalid"] = ["year"]
            return result
        value = date(year, int(parts["month"]), int(parts["day"]))
    except ValueError:
        result.error = gettext("%(label)s must be a real date") % {"label": label}
        result.raw["invalid"] = ["day", "month", "year"]
        return result
    today = timezone.localdate()
    if field.get("date_range") == "past" and value > today:
        result.error = gettext("%(label)s must be today or in the past") % {"label": label}
    elif field.get("date_range") == "future" and value < today:
        result.error = gettext("%(label)s must be today or in the future") % {"label": label}
    if result.error:
        result.raw["invalid"] = ["day", "month", "year"]
    result.value = value.isoformat()
    return result


def _choice(field: dict, data, _lookup) -> FieldResult:
    raw = data.get(field["name"], "")
    values = [o["value"] for o in field.get("options", [])]
    if field["type"] == "yesno":
        values = ["yes", "no"]
    result = FieldResult(raw={"value": raw[:100]})
    if not raw:
        if field.get("required"):
            result.error = gettext("Select %(name)s") % {"name": _name_for_errors(field)}
        return result
    if raw not in values:
        result.error = gettext("Select one of the options for %(name)s") % {
            "name": _name_for_errors(field)
        }
        return result
    result.value = raw
    return result


def _checkboxes(field: dict, data, _lookup) -> FieldResult:
    chosen = (
        data.getlist(field["name"]) if hasattr(data, "getlist") else data.get(field["name"], [])
    )
    options = {o["value"]: o for o in field["options"]}
    result = FieldResult(raw={"values": [c[:100] for c in chosen][:50]})
    if not chosen:
        if field.get("required"):
            result.error = gettext("Select %(name)s") % {"name": _name_for_errors(field)}
        return result
    if any(c not in options for c in chosen):
        result.error = gettext("Select only the options shown for %(name)s") % {
            "name": _name_for_errors(field)
        }
        return result
    exclusive = [c for c in chosen if options[c].get("exclusive")]
    if exclusive and len(chosen) > 1:
        result.error = gettext("Select ‘%(option)s’ on its own, or other options") % {
            "option": options[exclusive[0]]["label"]
        }
        return result
    # Keep the definition's order so answers read the same way every time.
    result.value = [v for v in options if v in chosen]
    return result


def _declaration(field: dict, data, _lookup) -> FieldResult:
    ticked = data.get(field["name"]) == "yes"
    result = FieldResult(value=True if ticked else None, raw={"value": "yes" if ticked else ""})
    if not ticked and field.get("required", True):
        result.error = field.get("error_name") or gettext("Confirm the declaration to continue")
    return result


def _address(field: dict, data, _lookup) -> FieldResult:
    """Postcode or street lookup, then pick one address (its UPRN is stored)."""
    name = field["name"]
    query = clean_text(data.get(f"{name}-query", ""))[:100]
    chosen = clean_text(data.get(f"{name}-uprn", ""))[:12]
    result = FieldResult(raw={"query": query, "uprn": chosen})
    if chosen:
        address = places.address_by_uprn(chosen)
        if address is None:
            result.error = gettext("Select an address from the list")
        else:
            result.value = {
                "uprn": address.uprn,
                "text": address.single_line,
                "postcode": address.postcode,
                "usrn": address.street.usrn,
                "lat": address.lat,
                "lon": address.lon,
            }
            return result
    if not query:
        if field.get("required") or chosen:
            result.error = result.error or gettext(
                "Enter a postcode or street name to find the address"
            )
        return result
    postcode = postcode_normalise(query)
    candidates = (
        list(places.addresses_for_postcode(postcode))
        if postcode
        else list(places.addresses_search(query))
    )
    result.choices = [{"value": a.uprn, "label": a.single_line} for a in candidates[:100]]
    if not candidates:
        result.error = gettext(
            "We could not find any addresses for %(query)s in the borough. "
            "Check the postcode or street name"
        ) % {"query": query}
    elif not result.error:
        result.error = gettext("Select an address from the list")
        result.raw["pending"] = True
    return result


def _location(field: dict, data, lookup) -> FieldResult:
    """A pin on the map (or the device's position), or a street/postcode without JavaScript."""
    name = field["name"]
    lat_raw = clean_text(data.get(f"{name}-lat", ""))[:20]
    lon_raw = clean_text(data.get(f"{name}-lon", ""))[:20]
    query = clean_text(data.get(f"{name}-query", ""))[:100]
    chosen = clean_text(data.get(f"{name}-choice", ""))[:20]
    result = FieldResult(raw={"lat": lat_raw, "lon": lon_raw, "query": query})
    if lat_raw and lon_raw:
        try:
            lat, lon = float(lat_raw), float(lon_raw)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
        except ValueError:
            result.error = gettext("The map position could not be read. Choose the place again")
            return result
        if not places.is_within_council_area(lat, lon):
            result.error = gettext(
                "That place is outside the borough. Choose a place within the borough, "
                "or report it to the council for that area"
            )
            return result
        street = places.nearest_street(lat, lon)
        result.value = {
            "lat": round(lat, 6),
            "lon": round(lon, 6),
            "usrn": street.usrn if street else "",
            "text": gettext("Near %(street)s, %(town)s")
            % {"street": street.name, "town": street.town}
            if street
            else f"{lat:.5f}, {lon:.5f}",
        }
        return result
    if chosen:
        kind, _, key = chosen.partition(":")
        if kind == "uprn":
            address = places.address_by_uprn(key)
            if address is not None:
                result.value = {
                    "lat": address.lat,
                    "lon": address.lon,
                    "uprn": address.uprn,
                    "usrn": address.street.usrn,
                    "text": address.single_line,
                }
                return result
        elif kind == "usrn":
            street = places.street_by_usrn(key)
            if street is not None:
                result.value = {
                    "lat": (street.start_lat + street.end_lat) / 2,
                    "lon": (street.start_lon + street.end_lon) / 2,
                    "usrn": street.usrn,
                    "text": f"{street.name}, {street.town}",
                }
                return result
        result.error = gettext("Select a place from the list")
        return result
    if not query:
        if field.get("required", True):
            result.error = gettext(
                "Enter a street name or postcode, or choose the place on the map"
            )
        return result
    postcode = postcode_normalise(query)
    if postcode:
        result.choices = [
            {"value": f"uprn:{a.uprn}", "label": a.single_line}
            for a in places.addresses_for_postcode(postcode)[:50]
        ]
    else:
        result.choices = [
            {"value": f"usrn:{s.usrn}", "label": f"{s.name}, {s.town}"}
            for s in places.streets_search(query)[:20]
        ]
    if not result.choices:
        result.error = gettext(
            "We could not find %(query)s in the borough. Check the street name or postcode"
        ) % {"query": query}
    else:
        result.error = gettext("Select the place from the list")
        result.raw["pending"] = True
    return result


def slot_units(field: dict, answers: dict[str, Any]) -> int:
    """How many places a slot question books: its `units_field` answer, else 1."""
    value = answers.get(field.get("units_field") or "")
    return int(value) if isinstance(value, int | float) and value >= 1 else 1


def slot_area(field: dict, known: AnswersSoFar) -> BookingArea | None:
    """The booking area of the address the slot question reads (its `address_field`, else
    the first address answered)."""
    names = [field["address_field"]] if field.get("address_field") else list(known.fields)
    for name in names:
        value = known.answers.get(name)
        if known.fields.get(name, {}).get("type") == "address" and isinstance(value, dict):
            return bookings.area_for_uprn(value.get("uprn", ""))
    return None


def slot_choices(field: dict, known: AnswersSoFar) -> tuple[BookingArea | None, list[dict]]:
    """The dates to offer: the service's bookable slots in the address's area, each with
    the room left, those without room for this booking shown but not selectable."""
    area = slot_area(field, known)
    if area is None:
        return None, []
    units = slot_units(field, known.answers)
    choices = []
    for slot in bookings.slots_bookable(service_id=known.service_id, area=area):
        room = slot.remaining >= units
        if not room:
            hint = gettext("Fully booked")
        elif slot.unit == Slot.Unit.ITEM:
            hint = ngettext(
                "Room for %(count)s more item", "Room for %(count)s more items", slot.remaining
            ) % {"count": slot.remaining}
        else:
            hint = ngettext(
                "Room for %(count)s more visit", "Room for %(count)s more visits", slot.remaining
            ) % {"count": slot.remaining}
        choices.append(
            {
                "value": str(slot.pk),
                "label": day_text(slot.day),
                "hint": hint,
                "disabled": not room,
            }
        )
    return area, choices


def _slot(field: dict, data, known: AnswersSoFar | None) -> FieldResult:
    raw = clean_text(data.get(field["name"], ""))[:12]
    result = FieldResult(raw={"value": raw})
    if known is None:
        result.error = gettext("Answer the earlier questions first")
        return result
    area, choices = slot_choices(field, known)
    result.choices = choices
    if area is None:
        result.error = gettext(
            "We cannot book a date for that address online. Check the address, or contact us"
        )
        return result
    if not raw:
        if field.get("required", True):
            result.error = gettext("Select %(name)s") % {"name": _name_for_errors(field)}
        return result
    chosen = next((c for c in choices if c["value"] == raw), None)
    slot = bookings.slot_by_id(int(raw)) if chosen is not None else None
    if chosen is None or slot is None:
        result.error = gettext("Select one of the dates shown")
    elif chosen["disabled"]:
        result.error = gettext("%(day)s is fully booked. Choose another date") % {
            "day": chosen["label"]
        }
    else:
        result.value = {"slot": slot.pk, "day": slot.day.isoformat(), "area": area.name}
    return result


PARSERS = {
    "text": _text,
    "textarea": _text,
    "number": _number,
    "email": _email,
    "phone": _phone,
    "date": _date,
    "radios": _choice,
    "select": _choice,
    "yesno": _choice,
    "checkboxes": _checkboxes,
    "declaration": _declaration,
    "address": _address,
    "location": _location,
    "slot": _slot,
}


def field_parse(field: dict, data, lookup: Any = None) -> FieldResult:
    return PARSERS[field["type"]](field, data, lookup)


def answer_display(field: dict, value: Any) -> str:
    """How an answer reads on check-your-answers, the case page and emails."""
    if value in (None, "", []):
        return gettext("Not given")
    kind = field["type"]
    labels = {o["value"]: o["label"] for o in field.get("options", [])}
    if kind in ("radios", "select"):
        return labels.get(value, value)
    if kind == "yesno":
        return gettext("Yes") if value == "yes" else gettext("No")
    if kind == "checkboxes":
        return ", ".join(labels.get(v, v) for v in value)
    if kind == "date":
        return dateformat.format(date.fromisoformat(value), "j F Y")  # month in the language
    if kind in ("address", "location"):
        return value.get("text", "")
    if kind == "slot":
        return f"{day_text(date.fromisoformat(value['day']))} ({value.get('area', '')})"
    if kind == "declaration":
        return gettext("Confirmed")
    if kind == "file":
        return ngettext("%(count)s file", "%(count)s files", len(value)) % {"count": len(value)}
    if kind == "number" and field.get("suffix"):
        return f"{value} {field['suffix']}"
    return str(value)
