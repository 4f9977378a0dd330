"""Yearly permits and subscriptions (garden waste bins, resident parking): what a resident
has paid for, for which address and period, under the rules of its scheme."""

from django.conf import settings
from django.db import models


class PermitScheme(models.Model):
    """The council's rules for one service that sells permits: how a permit is numbered, when
    its period runs, when the renewal reminder goes, and how a cancellation is refunded."""

    class PeriodStart(models.TextChoices):
        PAID = "paid", "From the day it is paid"
        FIXED = "fixed", "From the council's yearly start date"

    service = models.OneToOneField(
        "catalogue.Service", on_delete=models.CASCADE, related_name="permit_scheme"
    )
    number_prefix = models.CharField(
        max_length=4, help_text="2 to 4 capital letters, e.g. GWP for GWP-2027-000123."
    )
    period_start = models.CharField(
        max_length=5, choices=PeriodStart.choices, default=PeriodStart.PAID
    )
    # The council's yearly start (e.g. 1 April), used when period_start is "fixed".
    year_start_month = models.PositiveSmallIntegerField(default=4)
    year_start_day = models.PositiveSmallIntegerField(default=1)
    period_months = models.PositiveSmallIntegerField(default=12)
    reminder_days_before = models.PositiveSmallIntegerField(default=28)
    # Which answers of the service's form say how many, whether a concession, and where.
    quantity_field = models.CharField(max_length=60, default="bins")
    concession_field = models.CharField(max_length=60, blank=True, default="concession")
    address_field = models.CharField(max_length=60, default="address")
    # Cancellation: whole months left x the monthly price, less the admin fee; nothing back
    # in the last `refund_none_last_months` months.
    refund_none_last_months = models.PositiveSmallIntegerField(default=2)
    refund_admin_fee_pence = models.PositiveIntegerField(default=1000)
    # Its permits are what garden waste rounds collect from (address_has_garden_permit).
    garden_waste = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.service} ({self.number_prefix})"


class Permit(models.Model):
    """One period of one subscription. A renewal is a new permit (with its own number, case and
    payment) that `renews` the one before."""

    class State(models.TextChoices):
        PENDING_PAYMENT = "pending", "Waiting for payment"
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"

    scheme = models.ForeignKey(PermitScheme, on_delete=models.PROTECT, related_name="permits")
    number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    state = models.CharField(
        max_length=9, choices=State.choices, default=State.PENDING_PAYMENT, db_index=True
    )
    # The holder: a resident's account, or for an assisted application a name and contact.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="permits",
    )
    holder_name = models.CharField(max_length=150, blank=True)
    holder_email = models.EmailField(blank=True)
    holder_phone = models.CharField(max_length=20, blank=True)
    # The gazetteer's address when the UPRN is known there; the UPRN and text always.
    address = models.ForeignKey(
        "places.Address", null=True, blank=True, on_delete=models.PROTECT, related_name="permits"
    )
    uprn = models.CharField(max_length=12, blank=True, db_index=True)
    address_text = models.CharField(max_length=255, blank=True)
    quantity = models.PositiveSmallIntegerField(default=1)
    concession = models.BooleanField(default=False)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True, db_index=True)
    price_pence = models.PositiveIntegerField()
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="permit")
    payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    renews = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refund = models.ForeignKey(
        "payments.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "ends_on"])]

    def __str__(self) -> str:
        return self.number or f"permit for {self.case_id} ({self.state})"


class PermitNumberSequence(models.Model):
    """The last permit number issued per prefix and year (SQLite; PostgreSQL uses sequences)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_permit_sequence_per_year")
        ]
