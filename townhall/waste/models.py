"""Waste rounds (a crew emptying one stream of bins on one day, weekly or in week A or B of a
fortnight), the addresses each serves, one-off changes to a round's day, and what crews
report back per address."""

from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from townhall.core.models import TimeStampedModel
from townhall.places.models import Address


class Stream(models.TextChoices):
    # Residents read these on the bin-day page, in Welsh too.
    REFUSE = "refuse", _("Refuse")
    RECYCLING = "recycling", _("Recycling")
    FOOD = "food", _("Food waste")
    GARDEN = "garden", _("Garden waste")


class Round(TimeStampedModel):
    """One crew's round: one stream, one weekday, weekly or fortnightly (week A or B)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every other week")

    class Week(models.TextChoices):
        EVERY = "", _("Every week")
        A = "A", _("Week A")
        B = "B", _("Week B")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")

    code = models.SlugField(max_length=40, unique=True)
    stream = models.CharField(max_length=12, choices=Stream.choices)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    week = models.CharField(max_length=1, choices=Week.choices, blank=True, default="")
    crew = models.CharField(max_length=60)
    # When the crew is expected to have finished: a missed-bin report is only taken after it.
    crew_finish_time = models.TimeField(default=time(16, 0))
    # The partner (integrations' name) whose crew works the round: a missed bin's return job
    # goes to it. Blank: the council's usual waste contractor (WASTE_DEFAULT_CONTRACTOR).
    contractor = models.CharField(max_length=60, blank=True, default="")
    addresses = models.ManyToManyField(Address, through="RoundAddress", related_name="+")

    class Meta:
        ordering = ["stream", "weekday", "week", "code"]

    def __str__(self) -> str:
        return self.code


class RoundAddress(models.Model):
    """An address served by a round. An address has at most one round per stream."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="stops")
    address = models.ForeignKey(Address, on_delete=models.CASCADE, related_name="waste_stops")
    stream = models.CharField(max_length=12, choices=Stream.choices)  # the round's, kept here

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["address", "stream"], name="waste_one_round_per_stream_per_address"
            )
        ]


class RoundChange(TimeStampedModel):
    """A one-off change to one day of a round: cancelled, moved to another date, or worked by
    another crew. `date` is the day the round would otherwise have collected."""

    class Kind(models.TextChoices):
        CANCELLED = "cancelled", pgettext_lazy("collection", "Cancelled")
        MOVED = "moved", _("Moved to another day")
        CREW = "crew", _("Another crew")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="changes")
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    new_date = models.DateField(null=True, blank=True)
    crew = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["round", "date"], name="waste_one_change_per_round_day")
        ]


class CrewResult(models.Model):
    """What a crew (or its in-cab system) reported at an address on a collection day."""

    class Outcome(models.TextChoices):
        COLLECTED = "collected", _("Collected")
        NOT_PUT_OUT = "not_put_out", _("Not put out")
        CONTAMINATED = "contaminated", _("Contaminated")
        BLOCKED = "blocked_access", _("Access blocked")

    result_id = models.CharField(max_length=80)  # the partner's own id: a repeat changes nothing
    partner = models.ForeignKey(
        "integrations.PartnerEndpoint", on_delete=models.PROTECT, related_name="+"
    )
    address = models.ForeignKey(Address, on_delete=models.CASCADE, related_name="crew_results")
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="results"
    )
    stream = models.CharField(max_length=12, choices=Stream.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    occurred_at = models.DateTimeField(db_index=True)
    note = models.CharField(max_length=500, blank=True)
    photo = models.FileField(upload_to="waste/crew/%Y/%m/", blank=True, max_length=200)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["address", "stream", "-occurred_at"])]
        constraints = [
            models.UniqueConstraint(fields=["partner", "result_id"], name="waste_one_result_per_id")
        ]
