import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import Department, Team
from townhall.catalogue.models import Channel, Service
from townhall.core.languages import Language
from townhall.core.models import TimeStampedModel


def new_tracking_token() -> str:
    return secrets.token_urlsafe(24)


class Case(TimeStampedModel):
    """A request from a resident (or found on patrol) and everything done about it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Resolution(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        NO_FURTHER_ACTION = "no_further_action", _("No further action")
        DUPLICATE = "duplicate", _("Duplicate of another report")
        NOT_COUNCILS_RESPONSIBILITY = "not_councils_responsibility", _("Not the council's job")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    reference = models.CharField(max_length=20, unique=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="cases")
    submission = models.OneToOneField(
        "eforms.Submission", null=True, blank=True, on_delete=models.PROTECT, related_name="case"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.WEB)
    channel_client = models.CharField(max_length=100, blank=True)
    # The language the resident asked in (their form's): updates to them go in it.
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    resolution = models.CharField(max_length=40, choices=Resolution.choices, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    summary = models.CharField(max_length=200)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When it becomes at risk of missing that target: most of the way from arrival to due
    # (core.clocks.AT_RISK_FRACTION). Stored beside due_at so a queue can filter on it.
    at_risk_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    uprn = models.CharField(max_length=12, blank=True)
    usrn = models.CharField(max_length=12, blank=True)
    location_text = models.CharField(max_length=255, blank=True)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raised_cases",
    )
    contact_name = models.CharField(max_length=150, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=20, blank=True)
    tracking_token = models.CharField(max_length=64, unique=True, default=new_tracking_token)
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["department", "status", "due_at"]),
            models.Index(fields=["resident", "-created_at"]),
            # The desk's queues at a million cases (bench/desk_scale.py): open work of a team
            # or a service in due order, read straight from the index; the ward filter by street.
            models.Index(
                fields=["team", "due_at", "created_at"],
                name="case_open_team_due",
                condition=models.Q(status__in=["open", "in_progress"]),
            ),
            models.Index(
                fields=["service", "due_at", "created_at"],
                name="case_open_service_due",
                condition=models.Q(status__in=["open", "in_progress"]),
            ),
            models.Index(fields=["usrn", "status"], name="case_street_status"),
            # "Reported nearby" on the case page: open cases of a service in a band of latitude.
            models.Index(
                fields=["service", "lat"],
                name="case_open_service_lat",
                condition=models.Q(status__in=["open", "in_progress"]),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class CaseEvent(models.Model):
    """One line on a case's timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Request received")
        STATUS_CHANGED = "status_changed", _("Status changed")
        PUBLIC_NOTE = "public_note", _("Update")
        INTERNAL_NOTE = "internal_note", _("Internal note")
        RESIDENT_COMMENT = "resident_comment", _("Comment from the resident")
        ATTACHMENT_ADDED = "attachment_added", _("File added")
        MESSAGE_SENT = "message_sent", _("Message sent")
        ASSIGNED = "assigned", _("Assigned")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    is_public = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    @property
    def headline(self) -> str:
        """How the event reads on a timeline."""
        if self.kind == self.Kind.STATUS_CHANGED and self.data.get("to") in Case.Status.values:
            status = str(Case.Status(self.data["to"]).label).lower()
            return gettext("Status changed to %(status)s") % {"status": status}
        return str(self.get_kind_display())

    @property
    def shown_text(self) -> str:
        """The text as staff read it: words Townhall wrote (from the event's data), in the
        reader's language; a person's words as they wrote them."""
        data = self.data or {}
        if self.kind == self.Kind.ASSIGNED and "assigned_to_name" in data:
            if not data["assigned_to_name"]:
                return gettext("Assigned to nobody.")
            return gettext("Assigned to %(who)s.") % {"who": data["assigned_to_name"]}
        if self.kind == self.Kind.INTERNAL_NOTE and "duplicate" in data:
            return gettext("%(reference)s was merged into this case as a duplicate.") % {
                "reference": data["duplicate"]
            }
        if self.kind == self.Kind.INTERNAL_NOTE and "duplicate_of" in data:
            return gettext("Merged into %(reference)s as a duplicate.") % {
                "reference": data["duplicate_of"]
            }
        return self.text


def attachment_path(instance: "CaseAttachment", filename: str) -> str:
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}{instance.extension}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    is_public = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]


class ReferenceSequence(models.Model):
    """The last number issued per prefix and year, for references like FT-2026-000123."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_sequence_per_year")
        ]


class CaseHandOn(models.Model):
    """A case handed on to the council responsible for it ("not ours", issue 17 point 3):
    how, to whom, where the hand-on stands and the reference they gave it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Not yet passed on")
        PASSED = "passed", _("Passed on")
        FAILED = "failed", _("Could not be passed on")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="hand_on")
    responsible = models.CharField(max_length=120)
    method = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The outbox message (Open311) or sent email's idempotency key, to see how delivery goes.
    message_key = models.CharField(max_length=160, unique=True)
    # Their reference (GeoReport v2 service_request_id), when one comes back; or the token
    # to ask for it with.
    reference = models.CharField(max_length=100, blank=True)
    token = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    passed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.case_id} -> {self.responsible}"

    @property
    def method_label(self) -> str:
        return "Open311" if self.method == "open311" else self.method
