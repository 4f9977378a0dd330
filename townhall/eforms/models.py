import hashlib
import json
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from townhall.catalogue.models import Channel
from townhall.core.languages import Language
from townhall.core.models import TimeStampedModel


class Form(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def live_version(self) -> "FormVersion | None":
        return self.versions.filter(status=FormVersion.Status.PUBLISHED).order_by("-number").first()


class FormVersion(models.Model):
    """A form definition as data. Once published it never changes: edits make a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    content_hash = models.CharField(max_length=64, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="one_form_version_number")
        ]
        ordering = ["form", "-number"]

    def __str__(self) -> str:
        return f"{self.form.slug} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            stored = FormVersion.objects.filter(pk=self.pk).values("status", "content_hash").get()
            if stored["status"] != self.Status.DRAFT and (
                stored["content_hash"] != self.hash_definition(self.definition)
            ):
                raise ValidationError("A published form version cannot be changed.")
        self.content_hash = self.hash_definition(self.definition)
        super().save(*args, **kwargs)

    @staticmethod
    def hash_definition(definition: dict) -> str:
        canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class FormSession(TimeStampedModel):
    """One person's journey through one form version. Its id is the idempotency key:
    submitting the same session twice returns the first submission."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT)
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="form_sessions",
    )
    # When an agent fills the form on a caller's behalf: the agent, and the caller's account.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.WEB)
    answers = models.JSONField(default=dict, blank=True)
    saved_for_later = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.service.slug} session {self.id}"


def upload_path(instance: "UploadedFile", filename: str) -> str:
    return f"uploads/{instance.form_session_id}/{uuid.uuid4().hex}{instance.extension}"


class UploadedFile(models.Model):
    """A file attached to a form answer, checked by content and stripped of metadata."""

    form_session = models.ForeignKey(FormSession, on_delete=models.CASCADE, related_name="files")
    field_name = models.CharField(max_length=60)
    file = models.FileField(upload_to=upload_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # GPS read from the photo's EXIF before it was stripped, offered as a location suggestion.
    gps_lat = models.FloatField(null=True, blank=True)
    gps_lon = models.FloatField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]


class Submission(models.Model):
    """What was submitted, stored before anything else happens."""

    form_session = models.OneToOneField(
        FormSession, on_delete=models.PROTECT, related_name="submission"
    )
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT)
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    # The language the resident filled the form in: staff see it, replies use it.
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    answers = models.JSONField()
    # The fee worked out from the answers by the service's fee rules when the form was sent
    # (eforms.fees), kept so that a later change of rules never changes this request's fee:
    # the total in pence and its lines ({label, label_cy, pence}). Null: the service has no
    # rules, and charges its flat fee (if any).
    fee_pence = models.PositiveIntegerField(null=True, blank=True)
    fee_lines = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.service.slug})"


class OutcomeCount(models.Model):
    """How many journeys ended on one outcome of a service's form on one day: all that is
    kept of an eligibility checker's use (its answers are deleted when the outcome shows),
    counted for managers' figures."""

    service = models.ForeignKey(
        "catalogue.Service", on_delete=models.CASCADE, related_name="outcome_counts"
    )
    outcome = models.CharField(max_length=60)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "outcome", "day"], name="one_outcome_count_a_day"
            )
        ]
        ordering = ["-day", "service", "outcome"]

    def __str__(self) -> str:
        return f"{self.service_id} {self.outcome} {self.day}: {self.count}"
