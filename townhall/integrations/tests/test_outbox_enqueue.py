import pytest
from django.db import transaction

from townhall.integrations.models import OutboxMessage
from townhall.integrations.outbox.services import outbox_enqueue

pytestmark = pytest.mark.django_db


def test_enqueue_writes_a_pending_message():
    message = outbox_enqueue(
        partner="streetcare",
        operation="job.create",
        payload={"reference": "FT-2026-000001"},
        idempotency_key="job:FT-2026-000001:1",
        correlation="FT-2026-000001",
    )
    assert message.status == OutboxMessage.Status.PENDING
    assert message.next_attempt_at is not None


def test_same_idempotency_key_twice_keeps_one_message():
    for _ in range(2):
        outbox_enqueue(
            partner="streetcare",
            operation="job.create",
            payload={"n": 1},
            idempotency_key="job:same",
        )
    assert OutboxMessage.objects.filter(idempotency_key="job:same").count() == 1


def test_message_rolls_back_with_the_change_that_caused_it():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(partner="p", operation="o", payload={}, idempotency_key="k:rollback")
        raise RuntimeError("the case change failed")
    assert not OutboxMessage.objects.filter(idempotency_key="k:rollback").exists()
