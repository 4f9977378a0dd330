"""A manager's figures for their departments: demand by channel, self-service share,
timeliness and cost per transaction (the measures the seeds' councils report: Harrow's 90%
self-service, Ashford's £90 → £27 a fly-tip)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import Department, User
from townhall.accounts.permissions import can_see_every_department, can_see_figures
from townhall.cases.models import Case
from townhall.catalogue.models import Channel, ChannelCost
from townhall.core.languages import Language

PERIODS = {7: _("Last 7 days"), 30: _("Last 30 days"), 90: _("Last 90 days")}
# Channels a resident uses without staff: the council's own site and Open311 apps.
SELF_SERVICE = {Channel.WEB, Channel.OPEN311}


@dataclass
class DepartmentFigures:
    department: Department
    received: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    closed: int = 0
    closed_on_time: int = 0
    open_now: int = 0
    overdue_now: int = 0
    cost_pence: int = 0
    costed: int = 0  # cases whose service has a cost for their channel

    @property
    def self_service_percent(self) -> int | None:
        if not self.received:
            return None
        served = sum(n for channel, n in self.by_channel.items() if channel in SELF_SERVICE)
        return round(100 * served / self.received)

    @property
    def english(self) -> int:
        return self.by_language.get(Language.ENGLISH, 0)

    @property
    def welsh(self) -> int:
        return self.by_language.get(Language.WELSH, 0)

    @property
    def english_percent(self) -> int | None:
        return round(100 * self.english / self.received) if self.received else None

    @property
    def welsh_percent(self) -> int | None:
        # Rounded on its own, not 100 - English: each share reads true even when both round.
        return round(100 * self.welsh / self.received) if self.received else None

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.closed_on_time / self.closed) if self.closed else None

    @property
    def cost_per_transaction_pence(self) -> int | None:
        return round(self.cost_pence / self.costed) if self.costed else None

    @property
    def cost_per_transaction(self) -> str:
        pence = self.cost_per_transaction_pence
        return "–" if pence is None else f"£{pence / 100:,.2f}"


def departments_for_figures(user: User) -> QuerySet[Department]:
    """Managers see their own departments' figures; administrators every department's."""
    if can_see_every_department(user):
        return Department.objects.all()
    if can_see_figures(user):
        return user.departments.all()
    return Department.objects.none()


def figures_for(departments: QuerySet[Department], days: int) -> list[DepartmentFigures]:
    """Each department's figures over the last `days` days (open and overdue: right now)."""
    now = timezone.now()
    since = now - timedelta(days=days)
    rows = {d.pk: DepartmentFigures(department=d) for d in departments.order_by("name")}
    ids = list(rows)
    cost = Subquery(
        ChannelCost.objects.filter(service=OuterRef("service"), channel=OuterRef("channel")).values(
            "cost_pence"
        )[:1],
        output_field=IntegerField(),
    )
    received = (
        Case.objects.filter(department_id__in=ids, created_at__gte=since)
        .annotate(unit_cost=cost)
        .values("department_id", "channel", "language")
        .annotate(
            n=Count("pk"),
            cost=Coalesce(Sum("unit_cost"), 0),
            costed=Count("unit_cost"),
        )
    )
    for row in received:
        figures = rows[row["department_id"]]
        figures.received += row["n"]
        channel, language = row["channel"], row["language"]
        figures.by_channel[channel] = figures.by_channel.get(channel, 0) + row["n"]
        figures.by_language[language] = figures.by_language.get(language, 0) + row["n"]
        figures.cost_pence += row["cost"]
        figures.costed += row["costed"]
    closed = (
        Case.objects.filter(department_id__in=ids, closed_at__gte=since)
        .values("department_id")
        .annotate(
            n=Count("pk"),
            on_time=Count("pk", filter=Q(closed_at__lte=Coalesce("due_at", "closed_at"))),
        )
    )
    for done in closed:
        rows[done["department_id"]].closed = done["n"]
        rows[done["department_id"]].closed_on_time = done["on_time"]
    open_cases = (
        Case.objects.filter(
            department_id__in=ids, status__in=[Case.Status.OPEN, Case.Status.IN_PROGRESS]
        )
        .values("department_id")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    )
    for waiting in open_cases:
        rows[waiting["department_id"]].open_now = waiting["n"]
        rows[waiting["department_id"]].overdue_now = waiting["overdue"]
    return list(rows.values())


def figures_total(figures: list[DepartmentFigures]) -> DepartmentFigures:
    total = DepartmentFigures(department=Department(name=str(_("All your departments"))))
    for f in figures:
        total.received += f.received
        for channel, n in f.by_channel.items():
            total.by_channel[channel] = total.by_channel.get(channel, 0) + n
        for language, n in f.by_language.items():
            total.by_language[language] = total.by_language.get(language, 0) + n
        total.closed += f.closed
        total.closed_on_time += f.closed_on_time
        total.open_now += f.open_now
        total.overdue_now += f.overdue_now
        total.cost_pence += f.cost_pence
        total.costed += f.costed
    return total
