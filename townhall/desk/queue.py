"""The desk's case queue: which cases a filter picks, in which order, a page at a time.

Pages are keyset pages: "Next" carries the sort key of the last case shown and the next page
starts after it, so page 2,000 costs what page 1 costs (OFFSET would read and drop every case
before it). Counts stop at COUNT_CAP: "more than 10,000" tells an officer as much as the exact
figure, and an exact count of a million rows is what makes other queues slow.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.catalogue.models import Channel
from townhall.places.models import Street

if TYPE_CHECKING:  # django-stubs is a development dependency
    from django_stubs_ext import StrOrPromise

SEARCH_MAX_LENGTH = 100
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 25
COUNT_CAP = 10_000

# The status filter: key -> (label, statuses shown; None for all).
STATUS_FILTERS: dict[str, tuple["StrOrPromise", list[str] | None]] = {
    "active": (_("Open or in progress"), [Case.Status.OPEN, Case.Status.IN_PROGRESS]),
    "open": (_("Open"), [Case.Status.OPEN]),
    "in_progress": (_("In progress"), [Case.Status.IN_PROGRESS]),
    "closed": (_("Closed"), [Case.Status.CLOSED]),
    "all": (_("Any status"), None),
}

# Due-date filters: past its target, or at risk of missing it (see Case.at_risk_at).
DUE_FILTERS = {"overdue": _("Overdue"), "at_risk": _("At risk of missing its target")}

# Each sort: label, then its key columns with direction (every key ends in the primary key,
# so the order is total and a page boundary is exact). "due" puts cases with no date last.
SORTS: dict[str, tuple["StrOrPromise", tuple[tuple[str, bool], ...]]] = {
    "due": (_("Soonest due"), (("due_at", False), ("created_at", False), ("pk", False))),
    "newest": (_("Newest first"), (("created_at", True), ("pk", True))),
    "oldest": (_("Oldest first"), (("created_at", False), ("pk", False))),
    "updated": (_("Recently changed"), (("updated_at", True), ("pk", True))),
}
NULLABLE = {"due_at"}


@dataclass(frozen=True)
class QueueFilters:
    """What an officer asked the queue for; every value already checked."""

    query: str = ""
    status: str = "active"
    service: int | None = None
    team: str = ""  # "", "mine" (the officer's own teams) or a team's id
    ward: int | None = None
    mine: bool = False
    priority: str = ""
    channel: str = ""
    due: str = ""
    sort: str = "due"
    per_page: int = DEFAULT_PAGE_SIZE

    @classmethod
    def from_params(cls, params: QueryDict | dict[str, str]) -> "QueueFilters":
        """Read filters from a query string; anything unknown falls back to its default."""
        query = (params.get("q") or "").strip()[:SEARCH_MAX_LENGTH]
        # A search looks through every status unless the person chose one.
        status = params.get("status") or ("all" if query else "active")
        team = params.get("team") or ""
        per_page = params.get("per_page") or ""
        return cls(
            query=query,
            status=status if status in STATUS_FILTERS else "active",
            service=_whole_number(params.get("service")),
            team=team if team == "mine" or team.isdigit() else "",
            ward=_whole_number(params.get("ward")),
            mine=params.get("mine") == "1",
            priority=_one_of(params.get("priority"), Case.Priority.values),
            channel=_one_of(params.get("channel"), Channel.values),
            due=_one_of(params.get("due"), DUE_FILTERS),
            sort=_one_of(params.get("sort"), SORTS) or "due",
            per_page=int(per_page)
            if per_page.isdigit() and int(per_page) in PAGE_SIZES
            else DEFAULT_PAGE_SIZE,
        )

    def params(self) -> dict[str, str]:
        """The query string that asks for these filters again (defaults left out)."""
        default = QueueFilters(query=self.query, status=self.status)
        values = {
            "q": self.query,
            "status": self.status
            if self.status != default.from_params({"q": self.query}).status
            else "",
            "service": str(self.service or ""),
            "team": self.team,
            "ward": str(self.ward or ""),
            "mine": "1" if self.mine else "",
            "priority": self.priority,
            "channel": self.channel,
            "due": self.due,
            "sort": self.sort if self.sort != "due" else "",
            "per_page": str(self.per_page) if self.per_page != DEFAULT_PAGE_SIZE else "",
        }
        return {key: value for key, value in values.items() if value}

    @property
    def filtered(self) -> bool:
        return bool(set(self.params()) - {"sort", "per_page"})


def _whole_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _one_of(value: str | None, allowed) -> str:
    return value if value and value in allowed else ""


def queue_cases(user: User, visible: QuerySet[Case], filters: QueueFilters) -> QuerySet[Case]:
    """The cases these filters pick among `visible`, unordered."""
    cases = visible
    statuses = STATUS_FILTERS[filters.status][1]
    if statuses is not None:
        cases = cases.filter(status__in=statuses)
    if filters.service:
        cases = cases.filter(service_id=filters.service)
    if filters.team == "mine":
        cases = cases.filter(team__in=user.teams.all())
    elif filters.team:
        cases = cases.filter(team_id=int(filters.team))
    if filters.ward:
        # The ward's streets as values, not a subquery, for the same reason as departments.
        streets = list(Street.objects.filter(ward_id=filters.ward).values_list("usrn", flat=True))
        cases = cases.filter(usrn__in=streets)
    if filters.mine:
        cases = cases.filter(assigned_to=user)
    if filters.priority:
        cases = cases.filter(priority=filters.priority)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    now = timezone.now()
    if filters.due == "overdue":
        cases = cases.filter(due_at__lt=now).exclude(status=Case.Status.CLOSED)
    elif filters.due == "at_risk":
        cases = cases.filter(at_risk_at__lte=now, due_at__gte=now).exclude(
            status=Case.Status.CLOSED
        )
    if filters.query:
        query = filters.query
        cases = cases.filter(
            Q(reference__icontains=query)
            | Q(summary__icontains=query)
            | Q(contact_name__icontains=query)
        )
    return cases


@dataclass
class QueuePage:
    cases: list[Case]
    count: int
    count_capped: bool
    number: int
    next_cursor: str = ""
    previous_cursor: str = ""
    first_index: int = 0  # how many cases come before this page

    @property
    def start_index(self) -> int:
        return self.first_index + 1 if self.cases else 0

    @property
    def end_index(self) -> int:
        return self.first_index + len(self.cases)


def _ordering(sort: str, backwards: bool) -> list:
    order = []
    for name, descending in SORTS[sort][1]:
        down = descending != backwards
        expression = F(name).desc() if down else F(name).asc()
        if name in NULLABLE:  # cases with no due date come last, whichever way we walk
            expression = F(name).desc(nulls_first=True) if down else F(name).asc(nulls_last=True)
        order.append(expression)
    return order


def _beyond(sort: str, values: list[Any], backwards: bool) -> Q:
    """Cases that come after (or, walking backwards, before) the one with these key values."""
    keys = SORTS[sort][1]
    beyond = Q(pk__in=[])  # matches nothing: the OR below adds what does
    equal = Q()
    for (name, descending), value in zip(keys, values, strict=True):
        down = descending != backwards
        if name in NULLABLE and value is None:
            # Forwards nothing follows the no-date cases but more of them; backwards, every
            # dated case comes before them.
            if backwards:
                beyond |= equal & Q(**{f"{name}__isnull": False})
            equal &= Q(**{f"{name}__isnull": True})
            continue
        step = Q(**{f"{name}__{'lt' if down else 'gt'}": value})
        if name in NULLABLE and not backwards:
            step |= Q(**{f"{name}__isnull": True})
        beyond |= equal & step
        equal &= Q(**{name: value})
    return beyond


def _cursor_encode(case: Case, sort: str, number: int) -> str:
    values = []
    for name, _descending in SORTS[sort][1]:
        value = case.pk if name == "pk" else getattr(case, name)
        values.append(value.isoformat() if isinstance(value, datetime) else value)
    raw = json.dumps([sort, number, values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor_decode(cursor: str, sort: str) -> tuple[int, list[Any]] | None:
    """The page number and key values in a cursor, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, number, values = json.loads(raw)
    except (ValueError, TypeError):
        return None
    keys = SORTS[sort][1]
    if cursor_sort != sort or not isinstance(number, int) or len(values) != len(keys):
        return None
    decoded: list[Any] = []
    for (name, _descending), value in zip(keys, values, strict=True):
        if name == "pk":
            if not isinstance(value, int):
                return None
            decoded.append(value)
        elif value is None and name in NULLABLE:
            decoded.append(None)
        else:
            moment = parse_datetime(value) if isinstance(value, str) else None
            if moment is None:
                return None
            decoded.append(moment)
    return max(number, 1), decoded


def queue_page(
    cases: QuerySet[Case], filters: QueueFilters, *, after: str = "", before: str = ""
) -> QueuePage:
    """One page of `cases` in the filters' order, after or before a cursor from a link."""
    size = filters.per_page
    backwards = False
    number = 1
    if cursor := _cursor_decode(after, filters.sort) if after else None:
        number, values = cursor
        cases = cases.filter(_beyond(filters.sort, values, backwards=False))
        number += 1
    elif cursor := _cursor_decode(before, filters.sort) if before else None:
        number, values = cursor
        backwards = True
        cases = cases.filter(_beyond(filters.sort, values, backwards=True))
        number = max(number - 1, 1)
    rows = list(cases.order_by(*_ordering(filters.sort, backwards))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = QueuePage(
        cases=rows, count=0, count_capped=False, number=number, first_index=(number - 1) * size
    )
    if rows:
        # Forwards, "more" says whether a next page exists; backwards, whether a previous one.
        has_next = (not backwards and more) or backwards
        has_previous = (backwards and more) or (not backwards and number > 1)
        if has_next:
            page.next_cursor = _cursor_encode(rows[-1], filters.sort, number)
        if has_previous:
            page.previous_cursor = _cursor_encode(rows[0], filters.sort, number)
    return page


def queue_count(cases: QuerySet[Case]) -> tuple[int, bool]:
    """How many cases, counted up to COUNT_CAP; and whether there are more than that."""
    counted = cases.order_by().values("pk")[: COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), counted > COUNT_CAP


def queue_status_counts(visible: QuerySet[Case]) -> dict[str, tuple[int, bool]]:
    """Cases per status among `visible`, each counted up to COUNT_CAP: (count, more)."""
    return {status: queue_count(visible.filter(status=status)) for status in Case.Status.values}


def queue_counts(
    cases: QuerySet[Case], visible: QuerySet[Case]
) -> tuple[tuple[int, bool], dict[str, tuple[int, bool]]]:
    """queue_count(cases) and queue_status_counts(visible) in one round trip: each count a
    capped subquery (as queue_count's), joined by UNION ALL. The queue page shows all four,
    and at 1,000,000 cases each round trip costs as much as the count itself."""
    named = [
        ("", cases),
        *((status, visible.filter(status=status)) for status in Case.Status.values),
    ]
    parts, params = [], []
    for name, queryset in named:
        capped = queryset.order_by().values("pk")[: COUNT_CAP + 1]
        try:
            sql, part_params = capped.query.sql_with_params()
        except EmptyResultSet:  # e.g. staff in no department: nothing to count
            parts.append("SELECT %s, 0")
            params.append(name)
            continue
        parts.append(f"SELECT %s, (SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608 (Django-compiled SQL; values are bound)
        params.extend([name, *part_params])
    with connections[cases.db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = {name: (min(n, COUNT_CAP), n > COUNT_CAP) for name, n in cursor.fetchall()}
    return found.pop(""), found
