"""Delivering the outbox: claim due messages, send them, record what the partner said.

One worker holds a pool of sending threads; the claim and the record are short transactions
on the main thread, the HTTP calls happen outside any transaction. A message is marked
delivered only when the partner answered 2xx. A claim lapses after the partner's timeout plus a
margin, so a worker killed mid-delivery leaves the message to be sent again under the same
idempotency key (the partner de-duplicates on it)."""

import json
import logging
import random
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from threading import Event
from typing import Any, Literal

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from townhall.core.backoff import backoff_seconds
from townhall.core.workers import DATABASE_DOWN_ERRORS, Outage, database_connections_close
from townhall.integrations.models import OutboxMessage, PartnerEndpoint
from townhall.integrations.outbound import (
    OutboundRefused,
    OutboundUnresolved,
    outbound_client,
    outbound_url_check,
    reply_summary,
)
from townhall.integrations.signing import SIGNATURE_HEADER, signature_make

log = logging.getLogger(__name__)

Outcome = Literal["delivered", "retry", "dead"]
DUE_STATUSES = [
    OutboxMessage.Status.PENDING,
    OutboxMessage.Status.FAILED,
    OutboxMessage.Status.SENDING,  # only once its claim has lapsed (next_attempt_at passed)
]
# Statuses worth another try; any other 4xx means the partner refuses this message for good.
RETRYABLE_4XX = {408, 409, 425, 429}


@dataclass
class Attempt:
    message_id: int
    attempt: int
    outcome: Outcome
    error: str = ""
    response: dict[str, Any] = field(default_factory=dict)


Sender = Callable[[OutboxMessage, PartnerEndpoint, httpx.Client], Attempt]
Listener = Callable[[OutboxMessage], None]
# Partners that speak their own protocol (a county's Open311 endpoint) rather than our signed
# webhook: their client registers a sender for its operations. Listeners hear of each message
# of an operation that was delivered or dead-lettered, after its outcome is stored (cases
# takes the county's reference from it), so the outbox never imports the domain.
SENDERS: dict[str, Sender] = {}
LISTENERS: dict[str, list[Listener]] = {}


def outbox_sender_register(operation: str, sender: Sender) -> None:
    """Send messages of `operation` with `sender` instead of the signed webhook."""
    SENDERS[operation] = sender


def outbox_listener_register(operation: str, listener: Listener) -> None:
    """Call `listener` with each message of `operation` once it is delivered or dead."""
    listeners = LISTENERS.setdefault(operation, [])
    names = [f"{f.__module__}.{f.__qualname__}" for f in listeners]
    name = f"{listener.__module__}.{listener.__qualname__}"
    if name in names:
        listeners[names.index(name)] = listener
    else:
        listeners.append(listener)


def _listeners_tell(message_ids: list[int]) -> None:
    if not message_ids or not LISTENERS:
        return
    for message in OutboxMessage.objects.filter(pk__in=message_ids, operation__in=list(LISTENERS)):
        for listener in LISTENERS.get(message.operation, []):
            try:
                listener(message)
            except Exception:  # a listener's failure must not lose the outcomes stored
                log.exception("outbox listener failed for message %s", message.pk)


def backoff_delay(attempt: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter": between half and all of base * 2^(n-1),
    capped, so a partner coming back is not hit by every message at the same instant."""
    return backoff_seconds(
        base=settings.OUTBOX_BACKOFF_BASE_SECONDS,
        attempt=attempt,
        cap=settings.OUTBOX_BACKOFF_CAP_SECONDS,
        rng=rng,
    )


def outbox_claim(*, worker: str, limit: int, now: datetime | None = None) -> list[OutboxMessage]:
    """Claim up to `limit` due messages for push partners, no partner past its in-flight limit.

    The partner rows are locked for the length of this short transaction, so two workers
    claiming at once count each other's claims; message rows are taken with SKIP LOCKED."""
    now = now or timezone.now()
    claimed: list[OutboxMessage] = []
    with transaction.atomic():
        endpoints = list(
            PartnerEndpoint.objects.select_for_update()
            .filter(enabled=True, mode=PartnerEndpoint.Mode.PUSH)
            .order_by("?" if limit > 1 else "name")  # no partner always first in line
        )
        if not endpoints:
            return []
        busy = dict(
            OutboxMessage.objects.filter(
                status=OutboxMessage.Status.SENDING,
                next_attempt_at__gt=now,
                partner__in=[e.name for e in endpoints],
            )
            .values_list("partner")
            .annotate(n=Count("id"))
            .values_list("partner", "n")
        )
        for endpoint in endpoints:
            slots = min(endpoint.max_in_flight - busy.get(endpoint.name, 0), limit - len(claimed))
            if slots <= 0:
                continue
            rows = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(partner=endpoint.name, status__in=DUE_STATUSES, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")[:slots]
            )
            if not rows:
                continue
            lease = now + timedelta(
                seconds=endpoint.timeout_seconds + settings.OUTBOX_CLAIM_MARGIN_SECONDS
            )
            OutboxMessage.objects.filter(pk__in=[m.pk for m in rows]).update(
                status=OutboxMessage.Status.SENDING,
                attempts=F("attempts") + 1,
                claimed_by=worker,
                next_attempt_at=lease,
            )
            for message in rows:
                message.attempts += 1
                message.status = OutboxMessage.Status.SENDING
                message.claimed_by = worker
                message.next_attempt_at = lease
            claimed += rows
            if len(claimed) >= limit:
                break
    return claimed


def message_body(message: OutboxMessage) -> bytes:
    return json.dumps(
        {
            "id": message.idempotency_key,
            "operation": message.operation,
            "correlation": message.correlation,
            "payload": message.payload,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def outbox_send(message: OutboxMessage, endpoint: PartnerEndpoint, client: httpx.Client) -> Attempt:
    """One HTTP attempt. Never raises: every failure becomes an Attempt saying what happened."""
    sender = SENDERS.get(message.operation)
    if sender is not None:
        return sender(message, endpoint, client)
    body = message_body(message)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": message.idempotency_key,
        "X-Townhall-Partner": endpoint.name,
        "X-Townhall-Operation": message.operation,
        "X-Townhall-Attempt": str(message.attempts),
        SIGNATURE_HEADER: signature_make(endpoint.secret, body),
    }
    try:
        # Checked again here, not only when saved: an address stored before the rules, or a
        # partner's list of hosts narrowed since, stops delivery too.
        outbound_url_check(endpoint.url, partner_hosts=endpoint.allowed_hosts, resolve=False)
        reply = client.post(
            endpoint.url, content=body, headers=headers, timeout=endpoint.timeout_seconds
        )
    except OutboundUnresolved as unresolved:
        return Attempt(message.pk, message.attempts, "retry", f"Not sent: {unresolved.reason}")
    except OutboundRefused as refused:
        log.warning("outbox message %s not sent: %s", message.pk, refused.reason)
        return Attempt(message.pk, message.attempts, "dead", f"Not sent: {refused.reason}")
    except httpx.TimeoutException:
        return Attempt(
            message.pk,
            message.attempts,
            "retry",
            f"No answer within {endpoint.timeout_seconds:g} s (timed out).",
        )
    except httpx.HTTPError as error:
        return Attempt(message.pk, message.attempts, "retry", f"Could not connect: {error}")
    # Only the status is kept, never the body: an address that reached some internal service
    # must not turn the desk into a window onto it.
    said = reply_summary(reply.status_code)
    if 200 <= reply.status_code < 300:
        return Attempt(message.pk, message.attempts, "delivered", "", {"status": reply.status_code})
    if reply.status_code >= 500 or reply.status_code in RETRYABLE_4XX:
        return Attempt(message.pk, message.attempts, "retry", f"{said} from the partner.")
    return Attempt(
        message.pk, message.attempts, "dead", f"Refused for good: {said} from the partner."
    )


def outbox_record(
    attempts: Iterable[Attempt], *, worker: str, now: datetime | None = None
) -> dict[str, int]:
    """Store the outcome of each attempt, unless the claim was lost meanwhile (it lapsed and
    another worker took the message): the newer claim's outcome is the one that counts."""
    now = now or timezone.now()
    counts = {"delivered": 0, "retry": 0, "dead": 0, "lost_claim": 0}
    attempts = list(attempts)
    if not attempts:
        return counts
    limits = dict(
        PartnerEndpoint.objects.filter(
            name__in=OutboxMessage.objects.filter(pk__in=[a.message_id for a in attempts]).values(
                "partner"
            )
        ).values_list("name", "max_attempts")
    )
    partners = dict(
        OutboxMessage.objects.filter(pk__in=[a.message_id for a in attempts]).values_list(
            "pk", "partner"
        )
    )
    recovered: set[str] = set()
    ended: list[int] = []
    with transaction.atomic():
        for attempt in attempts:
            mine = OutboxMessage.objects.filter(
                pk=attempt.message_id,
                status=OutboxMessage.Status.SENDING,
                claimed_by=worker,
                attempts=attempt.attempt,
            )
            outcome = attempt.outcome
            if outcome == "retry" and attempt.attempt >= limits.get(
                partners.get(attempt.message_id, ""), 1
            ):
                outcome = "dead"
            if outcome == "delivered":
                changed = mine.update(
                    status=OutboxMessage.Status.DELIVERED,
                    delivered_at=now,
                    next_attempt_at=None,
                    last_error="",
                    response=attempt.response,
                    claimed_by="",
                )
            elif outcome == "retry":
                changed = mine.update(
                    status=OutboxMessage.Status.FAILED,
                    next_attempt_at=now + timedelta(seconds=backoff_delay(attempt.attempt)),
                    last_error=attempt.error[:2000],
                    claimed_by="",
                )
            else:
                changed = mine.update(
                    status=OutboxMessage.Status.DEAD,
                    next_attempt_at=None,
                    last_error=attempt.error[:2000] or f"Gave up after {attempt.attempt} attempts.",
                    claimed_by="",
                )
            counts[outcome if changed else "lost_claim"] += 1
            if changed and outcome in ("delivered", "dead"):
                ended.append(attempt.message_id)
            if outcome == "dead" and changed:
                log.warning(
                    "outbox message %s dead-lettered: %s", attempt.message_id, attempt.error
                )
            if outcome == "delivered" and changed and attempt.attempt > 1:
                recovered.add(partners.get(attempt.message_id, ""))
        for partner in recovered - {""}:
            # A retry got through, so the partner is back: its backlog need not sit out the
            # rest of its backoff (up to the cap) before it drains.
            released = OutboxMessage.objects.filter(
                partner=partner, status=OutboxMessage.Status.FAILED, next_attempt_at__gt=now
            ).update(next_attempt_at=now)
            if released:
                log.info("partner %s is back: %s waiting messages released", partner, released)
    _listeners_tell(ended)
    return counts


def _endpoints() -> dict[str, PartnerEndpoint]:
    return {e.name: e for e in PartnerEndpoint.objects.filter(mode=PartnerEndpoint.Mode.PUSH)}


def outbox_work(
    *,
    worker: str,
    threads: int = 32,
    stop: Event | None = None,
    idle_seconds: float = 0.2,
    until_idle: bool = False,
) -> dict[str, int]:
    """Deliver until `stop` is set (or, with until_idle, until nothing is due and nothing is
        in flight). Sending threads only do HTTP; claims and records stay on this thread, so a
        slow partner holds at most its own in-flight slots, never the worker. A database outage is
    waited out with backoff, never a reason to stop (core/workers.py)."""
    stop = stop or Event()
    totals = {"delivered": 0, "retry": 0, "dead": 0, "lost_claim": 0}
    in_flight: set[Future[Attempt]] = set()
    # Outcomes not yet stored: kept across a database outage and stored once it is back, so
    # a message the partner took is not sent again for want of its record.
    unrecorded: list[Attempt] = []
    outage = Outage(f"outbox worker {worker}: database")

    def record() -> None:
        if unrecorded:
            counts = outbox_record(unrecorded, worker=worker)
            unrecorded.clear()
            for key, value in counts.items():
                totals[key] += value

    endpoints: dict[str, PartnerEndpoint] = {}
    endpoints_read = -60.0
    limits = httpx.Limits(max_connections=threads, max_keepalive_connections=threads)
    with (
        outbound_client(limits=limits) as client,
        ThreadPoolExecutor(max_workers=threads, thread_name_prefix="outbox") as pool,
    ):
        while not stop.is_set():
            try:
                record()
                if time.monotonic() - endpoints_read > 30:
                    endpoints, endpoints_read = _endpoints(), time.monotonic()
                free = threads - len(in_flight)
                claimed = outbox_claim(worker=worker, limit=free) if free > 0 else []
                outage.ended()
            except DATABASE_DOWN_ERRORS as error:
                # Failover, restart, connections cut: sends on the wire go on meanwhile.
                database_connections_close()
                stop.wait(outage.failed(error))
                done, in_flight = wait(in_flight, timeout=0) if in_flight else (set(), in_flight)
                unrecorded.extend(f.result() for f in done)
                continue
            for message in claimed:
                endpoint = endpoints.get(message.partner)
                if endpoint is None:
                    endpoints = _endpoints()
                    endpoint = endpoints[message.partner]
                in_flight.add(pool.submit(outbox_send, message, endpoint, client))
            if not in_flight:
                if until_idle:
                    break
                stop.wait(idle_seconds)
                continue
            done, in_flight = wait(
                in_flight, timeout=0.02 if claimed else idle_seconds, return_when=FIRST_COMPLETED
            )
            unrecorded.extend(f.result() for f in done)
        if in_flight:  # stopping: let what is on the wire finish and record it
            done, _ = wait(in_flight)
            unrecorded.extend(f.result() for f in done)
        try:
            record()
        except DATABASE_DOWN_ERRORS as error:
            # Stopping while the database is down: these claims lapse and are sent again
            # under the same idempotency key, which the partner de-duplicates.
            log.warning(
                "outbox worker %s: %s outcome(s) not stored: %s", worker, len(unrecorded), error
            )
    return totals
