from django.conf import settings
from django.db import models


class SavedView(models.Model):
    """A queue filter an officer named to come back to ("Overdue fly-tips in Victoria")."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=60)
    # The queue's query string, as desk.queue.QueueFilters.params() wrote it.
    params = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="one_saved_view_name_each")
        ]

    def __str__(self) -> str:
        return self.name
