"""Reads for the desk's integrations page."""

from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from townhall.integrations.models import InboundRefusal, OutboxMessage, PartnerEndpoint, SentMessage

PROBLEM_STATUSES = [OutboxMessage.Status.FAILED, OutboxMessage.Status.DEAD]


def partner_summaries() -> list[dict]:
    """Each partner with how many of its messages wait, fail, or died; one query."""
    since = timezone.now() - timedelta(days=1)
    S = OutboxMessage.Status
    counts = {
        row["partner"]: row
        for row in OutboxMessage.objects.values("partner").annotate(
            pending=Count("id", filter=Q(status__in=[S.PENDING, S.SENDING])),
            failed=Count("id", filter=Q(status=S.FAILED)),
            dead=Count("id", filter=Q(status=S.DEAD)),
            delivered_day=Count("id", filter=Q(status=S.DELIVERED, delivered_at__gte=since)),
        )
    }
    empty = {"pending": 0, "failed": 0, "dead": 0, "delivered_day": 0}
    return [
        {"endpoint": endpoint, **counts.get(endpoint.name, empty)}
        for endpoint in PartnerEndpoint.objects.all()
    ]


def problem_messages(*, status: str = "", partner: str = "") -> QuerySet[OutboxMessage]:
    """Failed (will retry) and dead-lettered messages, newest trouble first."""
    messages = OutboxMessage.objects.filter(
        status__in=[status] if status in PROBLEM_STATUSES else PROBLEM_STATUSES
    )
    if partner:
        messages = messages.filter(partner=partner)
    return messages.defer("payload", "response").order_by("-created_at", "-id")


def refusals_recent(limit: int = 20) -> QuerySet[InboundRefusal]:
    return InboundRefusal.objects.defer("body_excerpt")[:limit]


def sent_messages_failed() -> QuerySet[SentMessage]:
    """Emails, SMS and letters that failed their last attempt, newest first."""
    return SentMessage.objects.filter(status=SentMessage.Status.FAILED).defer("body")
