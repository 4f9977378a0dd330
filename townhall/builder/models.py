"""What the service builder keeps: each service's draft, and every version published.

A version is the whole service as its service file holds it (settings, form, fee rules,
process), so comparing two versions is comparing two files, and going back publishes an
earlier file again. The draft is the same data being edited; its `revision` grows with
every save, so a second designer saving over a draft they did not see is told, not obeyed.
"""

from django.conf import settings
from django.db import models

from townhall.catalogue.models import Service


class ServiceDraft(models.Model):
    """The next version of a service, being edited. One per service."""

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="draft")
    data = models.JSONField()
    revision = models.PositiveIntegerField(default=1)
    # The version the draft started from (0: a service never published).
    based_on = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Draft of {self.service.slug} (revision {self.revision})"


class ServiceVersion(models.Model):
    """One publish of a service: who, when, why, and the service file it published."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "number"], name="one_service_version_number")
        ]
        ordering = ["service", "-number"]

    def __str__(self) -> str:
        return f"{self.service.slug} v{self.number}"
