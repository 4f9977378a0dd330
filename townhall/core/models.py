from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """Who read or changed what, when, and why. Written for every read of personal data."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        EXPORT = "export", "Exported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64)
    # The person whose data it is, so an auditor can list who saw a person's data.
    subject_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.object_type}"


class CalendarOverride(models.Model):
    """A correction to the bank-holiday data, or a day the council is closed.

    Extra holidays and working-day exceptions correct the law's calendar (a one-off bank
    holiday by proclamation, or a bank holiday moved away from the date the data gives), so
    they apply to statutory clocks too. Council closures only stop the council's own SLAs:
    statutory working days (FOI, EIR) are defined by law, not by when the office is open.
    """

    class Calendar(models.TextChoices):
        ENGLAND = "eng", "England"
        WALES = "wls", "Wales"
        SCOTLAND = "sct", "Scotland"
        NORTHERN_IRELAND = "nir", "Northern Ireland"
        ALL = "all", "All of the UK"

    class Kind(models.TextChoices):
        EXTRA_HOLIDAY = "extra_holiday", "Extra bank holiday"
        COUNCIL_CLOSURE = "council_closure", "Council closure (SLAs only)"
        WORKING_DAY_EXCEPTION = "working_day_exception", "Working day (not a holiday after all)"

    date = models.DateField(db_index=True)
    calendar = models.CharField(max_length=3, choices=Calendar.choices, default=Calendar.ALL)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "calendar", "kind"], name="core_calendaroverride_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.calendar} {self.get_kind_display()}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one long-running process (task worker, outbox worker, clock).

    `/readyz` reads the newest beat of each kind; the task sweep reads each task worker's beat
    to tell a task whose worker died (to be run again) from one still running."""

    class Kind(models.TextChoices):
        TASKS = "tasks", "Task worker"
        OUTBOX = "outbox", "Outbox worker"
        WORKFLOW_CLOCK = "workflow_clock", "Workflow clock"
        PAYMENTS_CLOCK = "payments_clock", "Payments clock"

    worker = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "-beat_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.worker} at {self.beat_at:%H:%M:%S}"
