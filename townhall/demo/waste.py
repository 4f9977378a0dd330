"""The demo council's waste rounds: every demo address gets refuse and recycling on
alternate weeks, food waste weekly, and a garden round (shown only where a garden waste
permit is live), all on one weekday per street. Loaded through the same extract import a
council uses, and a crew's report at the first address of TN23 1AA to show on its bin day."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

from townhall.integrations.models import PartnerEndpoint
from townhall.places.models import Address
from townhall.waste.calendar import last_collection
from townhall.waste.models import RoundAddress
from townhall.waste.services import ResultRefused, crew_result_record, rounds_import

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
HEADINGS = ["round", "stream", "day", "frequency", "week", "crew", "finish", "uprn"]


def demo_rounds_extract() -> str:
    """The demo's round extract as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    streets: dict[int, int] = {}
    for uprn, street_id in Address.objects.order_by("street__name", "sort_key").values_list(
        "uprn", "street_id"
    ):
        n = streets.setdefault(street_id, len(streets))
        day = DAYS[n % len(DAYS)]
        week, other = ("A", "B") if n // len(DAYS) % 2 == 0 else ("B", "A")
        short = day[:3].lower()
        writer.writerow(
            [f"refuse-{short}-{week.lower()}", "refuse", day, "fortnightly", week,
             f"Refuse crew {n % 5 + 1}", "15:30", uprn]
        )  # fmt: skip
        writer.writerow(
            [f"recycling-{short}-{other.lower()}", "recycling", day, "fortnightly", other,
             f"Recycling crew {n % 5 + 1}", "15:30", uprn]
        )  # fmt: skip
        writer.writerow(
            [f"food-{short}", "food", day, "weekly", "", f"Food crew {n % 5 + 1}", "14:00", uprn]
        )
        writer.writerow(
            [f"garden-{short}-{other.lower()}", "garden", day, "fortnightly", other,
             f"Garden crew {n % 5 + 1}", "15:00", uprn]
        )  # fmt: skip
    return out.getvalue()


def demo_waste_load() -> int:
    """Give every demo address its rounds unless they have them; return stops written."""
    written = 0
    if RoundAddress.objects.count() < Address.objects.count() * 4:
        written = rounds_import(extract=demo_rounds_extract()).stops
    _demo_crew_report()
    return written


def _demo_crew_report() -> None:
    partner = PartnerEndpoint.objects.filter(name="waste_contractor").first()
    home = Address.objects.filter(postcode="TN23 1AA").order_by("sort_key").first()
    if partner is None or home is None:
        return
    last = last_collection(home, "recycling")
    if last is None or last.date < timezone.localdate() - timedelta(days=13):
        return
    try:
        crew_result_record(
            partner=partner,
            data={
                "result_id": f"demo-{home.uprn}-{last.date:%Y%m%d}",
                "uprn": home.uprn,
                "stream": "recycling",
                "outcome": "not_put_out",
                "occurred_at": last.finishes_at.replace(hour=9, minute=12).isoformat(),
                "note": "No recycling box at the kerb when we passed at 9:12am.",
            },
        )
    except ResultRefused:  # the demo's own data: nothing a visitor can fix
        return
