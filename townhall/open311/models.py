from django.db import models


class ApiClient(models.Model):
    """A system allowed to post reports over Open311 (FixMyStreet, an app, a partner).

    Only a SHA-256 hash of its key is stored, with the first characters for people to tell
    keys apart: a leaked database does not leak usable keys.
    """

    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(max_length=8, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Where the client wants status updates pushed (signed, through the outbox); blank: it polls.
    push_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class Open311Submission(models.Model):
    """What a client posted for one case: the fields the case has no place for (the full
    description, attribute answers), and a fingerprint that makes retries idempotent.

    A post is accepted by storing this row with the case's reference already issued; the
    worker opens the case from `intake` moments later (`case` is empty until then), so a
    client waits for one insert, not for the case's process to start."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="submissions")
    case = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="open311_submission",
    )
    # The case's reference, issued on acceptance: the service_request_id the client is given.
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The checked request's fields that the case is opened with (location, contact, summary).
    intake = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    # The client's own id for the report (FixMyStreet's fixmystreet_id): one case per id.
    client_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["client", "fingerprint", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "client_reference"],
                condition=~models.Q(client_reference=""),
                name="open311_one_case_per_client_reference",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client.name}: {self.case_id}"


class Open311RequestLog(models.Model):
    """Every request a client made with its key (and every refused one), for the desk."""

    client = models.ForeignKey(
        ApiClient, null=True, blank=True, on_delete=models.CASCADE, related_name="requests"
    )
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["client", "-at"])]
