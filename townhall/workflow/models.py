"""Process versions, the running process of each case, and the work items queues read.

The engine's own state lives in `ProcessInstance.state` (JSON text without the process
definition); everything a queue or a page needs is mirrored in plain columns so that no list
ever loads engine state.
"""

import hashlib

from django.conf import settings
from django.db import models

from townhall.accounts.models import Team


class ProcessVersion(models.Model):
    """One published, immutable version of a process (BPMN plus its DMN tables).

    Cases keep the version they started with; publishing a new version changes only the
    processes started afterwards."""

    key = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=150)
    bpmn_xml = models.TextField()
    # Each decision table file as its own XML document, in a stable order.
    dmn_xmls = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    published_at = models.DateTimeField()
    is_live = models.BooleanField(default=False)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="one_number_per_version"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(is_live=True), name="one_live_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        # A published definition never changes: only the live flag moves between versions.
        if self.pk is not None and kwargs.get("update_fields") != ["is_live"]:
            raise ValueError("A published process version cannot be edited; publish a new one.")
        super().save(*args, **kwargs)

    @staticmethod
    def hash_content(bpmn_xml: str, dmn_xmls: list[str]) -> str:
        digest = hashlib.sha256(bpmn_xml.encode())
        for dmn in dmn_xmls:
            digest.update(b"\0")
            digest.update(dmn.encode())
        return digest.hexdigest()


class ProcessInstance(models.Model):
    """The process a case runs on, with the engine state (no definition in it)."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        NEEDS_ATTENTION = "needs_attention", "Needs attention"
        CANCELLED = "cancelled", "Cancelled"

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="process")
    version = models.ForeignKey(ProcessVersion, on_delete=models.PROTECT, related_name="instances")
    # The engine's state as zlib-compressed JSON, without the process definition.
    state = models.BinaryField(blank=True, default=b"")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    last_error = models.TextField(blank=True)
    next_timer_at = models.DateTimeField(null=True, blank=True, db_index=True)
    lock_version = models.PositiveIntegerField(default=0)
    # The statutory extension (FOI public interest, EIR, SAR two months) has been applied.
    clock_extended = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_timer_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} on {self.version_id}"


class WorkItem(models.Model):
    """An open (or done) user task of a process, as queues see it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="work_items")
    instance = models.ForeignKey(
        ProcessInstance, on_delete=models.CASCADE, related_name="work_items"
    )
    task_id = models.CharField(max_length=36)  # the engine's task UUID
    task_name = models.CharField(max_length=100)  # the BPMN element id
    title = models.CharField(max_length=200)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_items",
    )
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # The choices the model offers when the item is completed (an exclusive gateway after it).
    outcomes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instance", "task_id"], name="one_item_per_task")
        ]
        indexes = [
            models.Index(fields=["team", "status", "due_at"]),
            models.Index(fields=["assigned_to", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def outcome_choices(self) -> list[tuple[str, str]]:
        return [(value, value.replace("_", " ").capitalize()) for value in self.outcomes]


class ClockPause(models.Model):
    """A period when a statutory clock stood still: waiting for clarification (FOI/EIR) or
    for proof of identity (SAR). An open pause has no `resumed_on` yet."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="clock_pauses")
    reason = models.CharField(max_length=200)
    paused_on = models.DateField()
    resumed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["paused_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(resumed_on__isnull=True),
                name="one_open_pause_per_case",
            )
        ]
