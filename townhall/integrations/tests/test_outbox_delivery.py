"""The outbox worker against the fake contractor over real HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from townhall.integrations.models import OutboxMessage, PartnerEndpoint
from townhall.integrations.outbox.delivery import (
    Attempt,
    backoff_delay,
    outbox_claim,
    outbox_record,
    outbox_work,
)
from townhall.integrations.outbox.services import (
    OutboxActionError,
    outbox_acknowledge,
    outbox_cancel,
    outbox_enqueue,
    outbox_pull,
    outbox_retry,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def partner(fake_contractor, settings):
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0.01
    settings.OUTBOX_BACKOFF_CAP_SECONDS = 0.05
    return PartnerEndpoint.objects.create(
        name="greenway",
        title="Greenway",
        url=fake_contractor.url + "/jobs",
        secret="demo-contractor-secret",
        timeout_seconds=2,
        max_attempts=4,
    )


def _enqueue(n: int, partner: str = "greenway") -> list[OutboxMessage]:
    return [
        outbox_enqueue(
            partner=partner,
            operation="job_create",
            payload={"job_id": f"j{i}", "reference": f"FT-2026-{i:06d}"},
            idempotency_key=f"{partner}-{i}",
            correlation=f"FT-2026-{i:06d}",
        )
        for i in range(n)
    ]


def test_messages_are_delivered_signed_and_marked_delivered_only_then(partner, fake_contractor):
    _enqueue(5)
    totals = outbox_work(worker="w1", threads=4, until_idle=True)
    assert totals["delivered"] == 5
    stats = fake_contractor.stats()
    assert (stats["unique"], stats["duplicates"], stats["bad_signatures"]) == (5, 0, 0)
    delivered = OutboxMessage.objects.filter(status=OutboxMessage.Status.DELIVERED)
    assert delivered.count() == 5
    assert all(m.response["status"] in (200, 201) for m in delivered)  # status, not body


def test_a_partner_answering_503_is_retried_with_backoff_not_marked_sent(
    partner, fake_contractor, settings
):
    settings.OUTBOX_BACKOFF_BASE_SECONDS = settings.OUTBOX_BACKOFF_CAP_SECONDS = 60
    fake_contractor.control(mode="down")
    (message,) = _enqueue(1)
    outbox_work(worker="w1", threads=2, until_idle=True)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.FAILED, 1)
    assert "HTTP 503" in message.last_error
    assert message.next_attempt_at > timezone.now() + timedelta(seconds=29)


def test_the_last_failed_attempt_dead_letters_the_message(partner, fake_contractor):
    fake_contractor.control(mode="down")
    (message,) = _enqueue(1)
    for _ in range(partner.max_attempts):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxMessage.Status.DEAD, 4)
    assert "HTTP 503" in message.last_error


def test_a_partner_refusing_a_message_dead_letters_it_at_once(partner, fake_contractor):
    fake_contractor.control(mode="refuse")
    (message,) = _enqueue(1)
    outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.DEAD
    assert "HTTP 400" in message.last_error and "Refused for good" in message.last_error


def test_no_partner_gets_more_messages_at_once_than_its_limit(partner):
    PartnerEndpoint.objects.filter(pk=partner.pk).update(max_in_flight=3)
    _enqueue(10)
    first = outbox_claim(worker="w1", limit=10)
    second = outbox_claim(worker="w2", limit=10)
    assert (len(first), len(second)) == (3, 0)


def test_a_lapsed_claim_is_taken_again_and_the_old_workers_result_is_ignored(partner):
    (message,) = _enqueue(1)
    (claimed,) = outbox_claim(worker="killed", limit=1)
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    (again,) = outbox_claim(worker="w2", limit=1)
    assert (again.pk, again.attempts) == (message.pk, 2)

    counts = outbox_record([Attempt(message.pk, 1, "delivered")], worker="killed")
    assert counts["lost_claim"] == 1
    message.refresh_from_db()
    assert (message.status, message.claimed_by) == (OutboxMessage.Status.SENDING, "w2")


def test_backoff_grows_and_is_jittered(settings):
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 2
    settings.OUTBOX_BACKOFF_CAP_SECONDS = 3600
    delays = [backoff_delay(n) for n in (1, 2, 3, 10)]
    assert 1 <= delays[0] <= 2 and 2 <= delays[1] <= 4 and 4 <= delays[2] <= 8
    assert 512 <= delays[3] <= 1024
    assert backoff_delay(30) <= 3600
    assert len({backoff_delay(5) for _ in range(20)}) > 1  # jitter


def test_an_administrator_retries_a_dead_letter_and_cancels_another(partner, django_user_model):
    admin = django_user_model.objects.create_user(
        email="admin@example.gov.uk", password="x" * 12, role="admin"
    )
    dead, waiting = _enqueue(2)
    OutboxMessage.objects.filter(pk=dead.pk).update(
        status=OutboxMessage.Status.DEAD, attempts=4, last_error="HTTP 503"
    )
    retried = outbox_retry(message=dead, actor=admin)
    assert (retried.status, retried.attempts) == (OutboxMessage.Status.PENDING, 0)
    with pytest.raises(OutboxActionError, match="Only failed or dead-lettered"):
        outbox_retry(message=waiting, actor=admin)
    with pytest.raises(OutboxActionError, match="Say why"):
        outbox_cancel(message=waiting, actor=admin, reason="  ")
    cancelled = outbox_cancel(message=waiting, actor=admin, reason="Sent by phone instead")
    assert cancelled.status == OutboxMessage.Status.CANCELLED
    outbox_work(worker="w1", threads=2, until_idle=True)
    assert OutboxMessage.objects.get(pk=dead.pk).status == OutboxMessage.Status.DELIVERED
    assert OutboxMessage.objects.get(pk=waiting.pk).status == OutboxMessage.Status.CANCELLED


def test_a_pulling_partner_gets_its_messages_and_only_an_acknowledgement_delivers_them():
    endpoint = PartnerEndpoint.objects.create(
        name="puller", title="Puller", mode=PartnerEndpoint.Mode.PULL, secret="s"
    )
    first, second = _enqueue(2, partner="puller")
    assert outbox_claim(worker="w1", limit=10) == []  # the push worker leaves them alone
    assert [m.pk for m in outbox_pull(endpoint=endpoint)] == [first.pk, second.pk]
    outbox_acknowledge(endpoint=endpoint, idempotency_key=first.idempotency_key)
    outbox_acknowledge(endpoint=endpoint, idempotency_key=first.idempotency_key)  # harmless
    assert [m.pk for m in outbox_pull(endpoint=endpoint)] == [second.pk]
    with pytest.raises(OutboxActionError, match="No message"):
        outbox_acknowledge(endpoint=endpoint, idempotency_key="greenway-0")


def test_a_retry_getting_through_releases_the_partners_backlog(partner, settings):
    settings.OUTBOX_BACKOFF_CAP_SECONDS = 3600
    first, *backlog = _enqueue(4)
    later = timezone.now() + timedelta(minutes=30)
    OutboxMessage.objects.filter(pk__in=[m.pk for m in backlog]).update(
        status=OutboxMessage.Status.FAILED, attempts=6, next_attempt_at=later
    )
    OutboxMessage.objects.filter(pk=first.pk).update(attempts=1)  # it failed once already
    (claimed,) = outbox_claim(worker="w1", limit=1)
    assert claimed.pk == first.pk and claimed.attempts == 2
    outbox_record([Attempt(first.pk, 2, "delivered")], worker="w1")
    assert not OutboxMessage.objects.filter(next_attempt_at__gt=timezone.now()).exists()
