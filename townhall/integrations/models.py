from django.db import models
from django.utils.translation import gettext_lazy as _


class SentMessage(models.Model):
    """Every email or SMS we send, keyed so a retried task never sends twice."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")
        LETTER = "letter", _("Letter")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    idempotency_key = models.CharField(max_length=120, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=250, blank=True)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # What the provider (GOV.UK Notify) later said about delivery, from its status callbacks.
    provider_id = models.CharField(max_length=64, blank=True, db_index=True)
    template_id = models.CharField(max_length=64, blank=True)
    delivery_status = models.CharField(max_length=30, blank=True)
    delivery_updated_at = models.DateTimeField(null=True, blank=True)
    correlation = models.CharField(max_length=60, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]


class OutboxMessage(models.Model):
    """One message to a partner (contractor job, payment call, webhook), written in the same
    transaction as the change that caused it and delivered later by the worker.

    Nothing here knows about cases: `correlation` carries the case reference (or any other key
    the sender chooses) so that a reply can be matched back without an upward import."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed, will retry")
        DEAD = "dead", _("Dead-lettered")
        CANCELLED = "cancelled", _("Cancelled")

    partner = models.CharField(max_length=60, db_index=True)
    operation = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    idempotency_key = models.CharField(max_length=160, unique=True)
    correlation = models.CharField(max_length=60, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # What the partner answered: its status code and the standard reason only, never the body.
    last_error = models.TextField(blank=True)
    response = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The worker that holds the message while sending. Its claim lapses at next_attempt_at, so
    # a worker killed mid-delivery leaves the message to be sent again (same idempotency key).
    claimed_by = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["partner", "status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.partner}:{self.operation} {self.idempotency_key}"


class PartnerEndpoint(models.Model):
    """How to reach one partner: where to send, the shared secret that signs both directions,
    and the limits that keep one slow or failing partner from holding up the others.

    A `push` partner is sent signed webhooks by the outbox worker; a `pull` partner fetches its
    messages with a token and acknowledges each one (only then is it delivered)."""

    class Mode(models.TextChoices):
        PUSH = "push", _("Webhooks sent to the partner")
        PULL = "pull", _("Partner pulls with a token")

    name = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=120)
    mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.PUSH)
    url = models.URLField(blank=True, help_text="Where webhooks are posted (push partners).")
    # Optional narrowing: when set, `url` may only name one of these hosts (checked when saved
    # and before each delivery). The public-address and https rules apply either way.
    allowed_hosts = models.JSONField(
        default=list, blank=True, help_text="Host names the URL may use (empty: any public host)."
    )
    secret = models.CharField(
        max_length=128, help_text="Shared secret for HMAC-SHA256 signatures, both directions."
    )
    token_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the bearer token a pull partner uses."
    )
    max_in_flight = models.PositiveIntegerField(
        default=16, help_text="Messages being sent to this partner at once, at most."
    )
    max_attempts = models.PositiveIntegerField(default=12)
    timeout_seconds = models.FloatField(default=10.0)
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title or self.name


class InboundRefusal(models.Model):
    """A partner's request we refused (bad signature, replay, unknown job, malformed body):
    kept so an administrator can see what a partner is getting wrong."""

    partner = models.CharField(max_length=60, blank=True, db_index=True)
    path = models.CharField(max_length=300)
    reason = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    remote_addr = models.CharField(max_length=64, blank=True)
    body_excerpt = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
