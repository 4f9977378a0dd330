"""A service's due dates: which clock applies to it, computed by `core.clocks.clock_compute`."""

from collections.abc import Sequence
from datetime import date, datetime

from townhall.catalogue.models import Service
from townhall.core.calendars import LONDON, end_of_day
from townhall.core.clocks import Clock, ClockKind, Pause, clock_compute


def service_clock(
    *,
    service: Service,
    received: datetime,
    pauses: Sequence[Pause] = (),
    extended: bool = False,
    today: date | None = None,
) -> Clock:
    """The clock of a request to `service` received at `received`: the statutory clock its
    `clock_kind` names, or its own SLA (pauses and extensions apply to statutory clocks only)."""
    kind = ClockKind(service.clock_kind)
    day = received.astimezone(LONDON).date()
    if kind == ClockKind.SLA:
        return clock_compute(
            kind=kind,
            received=day,
            days=service.sla_days,
            working_days=service.sla_kind == Service.SlaKind.WORKING_DAYS,
        )
    if kind in (ClockKind.COMPLAINT_STAGE_1, ClockKind.COMPLAINT_STAGE_2):
        return clock_compute(kind=kind, received=day)
    return clock_compute(kind=kind, received=day, pauses=pauses, extended=extended, today=today)


def service_due_at(*, service: Service, received: datetime) -> datetime:
    """When a new request to `service` is due: the end of its clock's due day (London)."""
    return end_of_day(service_clock(service=service, received=received).due)
