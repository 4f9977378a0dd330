"""Bookable slots: a service's collection or visit days per area, each with a capacity, and
the bookings that take places in them (bulky waste today, pest control visits next)."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from townhall.core.languages import clock_text, day_text
from townhall.core.models import TimeStampedModel


class BookingArea(models.Model):
    """A named part of the borough that a round covers, made of wards (an address is in the
    area of its street's ward)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    wards = models.ManyToManyField("places.Ward", related_name="booking_areas", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Slot(models.Model):
    """One day of one service in one area, with room for `capacity` units (items or visits).
    `booked` is changed only by a conditional UPDATE (`booked + n <= capacity`), so
    concurrent bookings can never take more than there is."""

    class Unit(models.TextChoices):
        ITEM = "item", "Items"
        VISIT = "visit", "Visits"

    service = models.ForeignKey("catalogue.Service", on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(BookingArea, on_delete=models.PROTECT, related_name="slots")
    day = models.DateField()
    capacity = models.PositiveIntegerField()
    unit = models.CharField(max_length=5, choices=Unit.choices, default=Unit.ITEM)
    booked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "area__name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "area", "day"], name="slot_one_per_day"),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="slot_never_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%a %-d %b %Y}, {self.area.name} ({self.booked}/{self.capacity})"

    @property
    def noun(self) -> str:
        """What a resident books in it, in their words: a collection (of items) or a visit."""
        # Both Welsh nouns (casgliad, ymweliad) are masculine, so one sentence fits either.
        return gettext("collection") if self.unit == self.Unit.ITEM else gettext("visit")

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


class Booking(TimeStampedModel):
    """A case's places in a slot. Held when the form is sent, confirmed when paid (or at once
    with nothing to pay), cancelled by the resident before the cut-off, released when the
    payment expires or the case is closed first. Only held and confirmed bookings count
    in their slot's `booked`."""

    class State(models.TextChoices):
        HELD = "held", gettext_lazy("Held until paid")
        CONFIRMED = "confirmed", gettext_lazy("Confirmed")
        CANCELLED = "cancelled", gettext_lazy("Cancelled")
        RELEASED = "released", gettext_lazy("Released")

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="booking")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    units = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.HELD)
    cancel_by = models.DateTimeField(help_text="The resident may cancel until then.")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__day", "created_at"]
        indexes = [models.Index(fields=["slot", "state"])]

    def __str__(self) -> str:
        return f"{self.case_id} in {self.slot_id}: {self.units} ({self.state})"

    @property
    def cancel_by_text(self) -> str:
        """The cut-off as residents read it: "11:59pm on Monday 7 December"."""
        at = timezone.localtime(self.cancel_by)
        return gettext("%(time)s on %(day)s") % {
            "time": clock_text(at),
            "day": day_text(at.date(), year=False),
        }

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.HELD, self.State.CONFIRMED)
