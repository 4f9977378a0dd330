"""Payments for fee-charging services, taken by GOV.UK Pay (card details never reach us)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy


def new_return_token() -> str:
    return secrets.token_urlsafe(24)


class Payment(models.Model):
    class Status(models.TextChoices):
        # GOV.UK Pay's own statuses; "creating" is ours, before Pay has answered.
        CREATING = "creating", "Starting"
        CREATED = "created", "Waiting for the payer"
        STARTED = "started", "Payer is entering card details"
        SUBMITTED = "submitted", "Submitted"
        CAPTURABLE = "capturable", "Authorised"
        SUCCESS = "success", "Paid"
        FAILED = "failed", "Not paid"
        CANCELLED = "cancelled", "Cancelled by the council"
        ERROR = "error", "Error at GOV.UK Pay"

    class Channel(models.TextChoices):
        WEB = "web", "Online"
        PHONE = "phone", "By phone (card not present)"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="payments")
    amount_pence = models.PositiveIntegerField()
    reference = models.CharField(max_length=40, unique=True)
    description = models.CharField(max_length=255)
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.WEB)
    pay_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CREATING)
    code = models.CharField(max_length=10, blank=True, help_text="Pay's reason, e.g. P0010.")
    message = models.CharField(max_length=255, blank=True)
    next_url = models.URLField(max_length=500, blank=True)
    return_token = models.CharField(max_length=40, unique=True, default=new_return_token)
    refunded_pence = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.reference} £{self.amount_pence / 100:.2f} {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (
            self.Status.SUCCESS,
            self.Status.FAILED,
            self.Status.CANCELLED,
            self.Status.ERROR,
        )

    @property
    def refundable_pence(self) -> int:
        return self.amount_pence - self.refunded_pence if self.status == self.Status.SUCCESS else 0


class PaymentWebhookEvent(models.Model):
    """Each Pay webhook message once: a repeat is acknowledged and ignored."""

    webhook_message_id = models.CharField(max_length=64, unique=True)
    payment = models.ForeignKey(Payment, null=True, on_delete=models.SET_NULL)
    event_type = models.CharField(max_length=40)
    received_at = models.DateTimeField(auto_now_add=True)


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("Being sent to GOV.UK Pay")
        SUCCESS = "success", gettext_lazy("Refunded")
        FAILED = "failed", gettext_lazy("Refused")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_pence = models.PositiveIntegerField()
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    pay_refund_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class FeeDue(models.Model):
    """A fee owed on a case that was not paid when it was raised (an agent raised it for a
    caller on the phone). It stays due until a payment of the case succeeds, so nothing is
    lost and the case shows what is owed. Written only by `fee_due_record` and
    `fee_due_mark_paid` (payments.services)."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        PAID = "paid", "Paid"
        WAIVED = "waived", "Waived"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="fee_due")
    amount_pence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The payment that settled it; its reference is kept too, as the caller was told it.
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payment_reference = models.CharField(max_length=64, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "fees due"

    def __str__(self) -> str:
        return f"{self.case_id}: £{self.amount_pence / 100:.2f} {self.status}"
