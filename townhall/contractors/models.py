"""Jobs sent to contractors and what they told us back.

How to reach a contractor (URL, secret, limits) is the integrations layer's PartnerEndpoint;
what their status codes mean, and which case a job belongs to, is kept here."""

import uuid

from django.db import models

from townhall.integrations.models import OutboxMessage, PartnerEndpoint


class Contractor(models.Model):
    partner = models.OneToOneField(
        PartnerEndpoint, on_delete=models.PROTECT, related_name="contractor"
    )
    # Their status codes to ours, e.g. {"ACK": "accepted", "CMP": "completed", "NOA": "rejected"}.
    status_map = models.JSONField(default=dict)

    class Meta:
        ordering = ["partner__name"]

    def __str__(self) -> str:
        return str(self.partner)


class ContractorJob(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        REJECTED = "rejected", "Rejected by the contractor"

    job_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="jobs")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="contractor_jobs")
    kind = models.CharField(max_length=60)
    reply = models.CharField(max_length=60, help_text="The message the case's process waits for.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SENT)
    outbox = models.OneToOneField(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="job"
    )
    last_event_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contractor", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.job_id}"


class ContractorEvent(models.Model):
    """One status update a contractor sent, applied once (event ids are unique per contractor)."""

    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="events")
    job = models.ForeignKey(ContractorJob, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=100)
    code = models.CharField(max_length=30)
    status = models.CharField(max_length=12, choices=ContractorJob.Status.choices)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    photos = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contractor", "event_id"], name="contractor_event_once")
        ]
