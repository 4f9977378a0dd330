"""One address's collections as an iCalendar feed (RFC 5545), for "Add to your calendar".

Each collection is one all-day VEVENT whose UID is made of the UPRN, the stream and the
round's usual day, so when a collection moves (a bank holiday, a one-off change) a calendar
that subscribed updates the event it has (SEQUENCE goes up) rather than adding a second one;
a cancelled collection stays in the feed with STATUS:CANCELLED so calendars remove it."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from icalendar import Calendar, Event

from townhall.waste.selectors import BinDay

PRODID = "-//Townhall//Waste collections//EN"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def collection_uid(uprn: str, stream: str, scheduled) -> str:
    return f"waste-{uprn}-{stream}-{scheduled:%Y%m%d}@townhall"


def bin_day_ics(day: BinDay) -> bytes:
    """The feed of `day`'s collections (WEEKS_AHEAD weeks)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Bin collections: {day.address}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
    for collection in day.collections:
        event = Event()
        event.add("uid", collection_uid(day.uprn, collection.stream, collection.scheduled))
        stamp = collection.changed_at or EPOCH
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("dtstart", collection.date)
        event.add("dtend", collection.date + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("sequence", collection.revision)
        summary = f"{collection.stream_label} collection"
        if collection.cancelled:
            event.add("status", "CANCELLED")
            summary = f"Cancelled: {summary}"
        else:
            event.add("status", "CONFIRMED")
        event.add("summary", summary)
        description = f"Put your {collection.stream_label.lower()} bin out by 7am."
        if collection.reason:
            description = f"{collection.reason} {description}"
        event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical()
