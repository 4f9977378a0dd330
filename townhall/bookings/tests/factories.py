"""Slots and cases to book them for, made with the real service functions."""

from datetime import date, timedelta

from django.utils import timezone

from townhall.accounts.models import Department
from townhall.bookings.models import BookingArea, Slot
from townhall.cases.models import Case
from townhall.cases.services import case_create
from townhall.catalogue.models import Service
from townhall.places.models import Ward


def bookable_service(slug: str = "book-a-visit") -> Service:
    department, _ = Department.objects.get_or_create(slug="waste", defaults={"name": "Waste"})
    service, _ = Service.objects.get_or_create(
        slug=slug,
        defaults={"name": slug.replace("-", " ").title(), "summary": "A bookable service",
                  "department": department, "reference_prefix": slug[:2].upper()},
    )  # fmt: skip
    return service


def area(slug: str = "north") -> BookingArea:
    ward, _ = Ward.objects.get_or_create(code=f"W-{slug}", defaults={"name": slug.title()})
    made, _ = BookingArea.objects.get_or_create(slug=slug, defaults={"name": slug.title()})
    made.wards.add(ward)
    return made


def a_later_day(weeks: int = 3) -> date:
    """A Wednesday some weeks ahead: well before any cut-off, never a bank holiday."""
    day = timezone.localdate() + timedelta(weeks=weeks)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def slot(service: Service, capacity: int = 5, **extra) -> Slot:
    return Slot.objects.create(
        service=service,
        area=extra.pop("area", None) or area(),
        day=extra.pop("day", None) or a_later_day(),
        capacity=capacity,
        **extra,
    )


def case_for(service: Service, **extra) -> Case:
    return case_create(
        service=service,
        summary=service.name,
        answers={},
        contact_name="Sam Resident",
        contact_email="sam@example.com",
        **extra,
    )
