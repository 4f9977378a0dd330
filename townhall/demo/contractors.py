"""The demo council's contractors, played by the local fake contractor (scripts/fake_contractor.py).

Two companies with their own status codes, to show the per-contractor mapping: a waste
contractor (missed bins, bulky collections) and a specialist clearance firm (hazardous fly-tips)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from townhall.contractors.checks import DEMO_PULL_TOKEN, DEMO_SECRET
from townhall.contractors.models import Contractor
from townhall.integrations.inbound import token_hash
from townhall.integrations.models import PartnerEndpoint
from townhall.integrations.outbound import outbound_url_check

GREENWAY_CODES = {"ACK": "accepted", "ONR": "in_progress", "CMP": "completed", "NOA": "rejected"}
HAZCLEAR_CODES = {"10": "accepted", "20": "in_progress", "90": "completed", "99": "rejected"}


@dataclass(frozen=True)
class DemoContractor:
    name: str
    title: str
    codes: dict[str, str]


DEMO_CONTRACTORS = (
    DemoContractor("waste_contractor", "Greenway Waste Services (demo)", GREENWAY_CODES),
    DemoContractor("bulky_waste_contractor", "Greenway Bulky Collections (demo)", GREENWAY_CODES),
    DemoContractor("specialist_clearance", "Hazclear Specialist Clearance (demo)", HAZCLEAR_CODES),
)


def demo_contractors_load(base_url: str | None = None) -> list[Contractor]:
    """Create (or point again at the fake's URL) the demo contractors. Idempotent."""
    base = (base_url or settings.FAKE_CONTRACTOR_URL).rstrip("/")
    # The fake is local: it passes only where OUTBOUND_ALLOW_HOSTS names it (demo, tests).
    url = outbound_url_check(f"{base}/jobs")
    made = []
    with transaction.atomic():
        for demo in DEMO_CONTRACTORS:
            endpoint, _ = PartnerEndpoint.objects.update_or_create(
                name=demo.name,
                defaults={
                    "title": demo.title,
                    "mode": PartnerEndpoint.Mode.PUSH,
                    "url": url,
                    "secret": DEMO_SECRET,
                    "timeout_seconds": 5.0,
                },
            )
            if demo.name == "waste_contractor":  # it may also pull, to show both ways
                PartnerEndpoint.objects.filter(pk=endpoint.pk).update(
                    token_hash=token_hash(DEMO_PULL_TOKEN)
                )
            contractor, _ = Contractor.objects.update_or_create(
                partner=endpoint, defaults={"status_map": demo.codes}
            )
            made.append(contractor)
    return made
