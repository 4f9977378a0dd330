"""Reads of the waste calendar for the doors: one address's bin day (the portal page, the ICS
feed and the open API all read it), cached per address under the waste generation so that a
busy morning costs one cache read a request."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.core.languages import LazyText
from townhall.places.models import Address
from townhall.waste.calendar import Collection, collections_for
from townhall.waste.generation import bin_day_key
from townhall.waste.models import CrewResult, Round, RoundAddress, Stream

WEEKS_AHEAD = 12
RESULTS_DAYS = 14
BIN_DAY_CACHE_SECONDS = 6 * 3600


# A bin day is kept in the cache: its labels are read from the stream when shown, not stored,
# since each lazy text unpickled builds its proxy class anew (~0.3 ms apiece, the larger part
# of My Account's time before).


@dataclass(frozen=True)
class BinNext:
    stream: str
    next: Collection | None
    then: Collection | None

    @property
    def label(self) -> LazyText:
        return Stream(self.stream).label


# How a resident is told what the crew found ("Your refuse bin was not put out on ...").
# Lazy: a bin day is kept in the cache, and each page reads these in its own language.
OUTCOME_PHRASES = {
    CrewResult.Outcome.COLLECTED: _("was emptied"),
    CrewResult.Outcome.NOT_PUT_OUT: _("was not put out"),
    CrewResult.Outcome.CONTAMINATED: _("was not emptied because it had the wrong things in it"),
    CrewResult.Outcome.BLOCKED: _("could not be emptied because the crew could not reach it"),
}


@dataclass(frozen=True)
class CrewReport:
    stream: str
    outcome: str
    outcome_label: str
    occurred_at: datetime
    note: str

    @property
    def stream_label(self) -> LazyText:
        return Stream(self.stream).label

    @property
    def phrase(self) -> str:
        found = OUTCOME_PHRASES.get(self.outcome)  # type: ignore[call-overload]
        return str(found) if found is not None else self.outcome_label.lower()


@dataclass(frozen=True)
class BinDay:
    uprn: str
    address: str
    postcode: str
    today: date
    bins: list[BinNext]
    collections: list[Collection]  # every collection for WEEKS_AHEAD weeks, cancelled too
    reports: list[CrewReport]  # recent results other than "collected", newest first

    @property
    def changes(self) -> list[Collection]:
        return [c for c in self.collections if c.cancelled or c.moved]

    @property
    def has_rounds(self) -> bool:
        return bool(self.bins)


def _bin_day(address: Address, today: date) -> BinDay:
    collections = collections_for(address, today, today + timedelta(weeks=WEEKS_AHEAD))
    bins = []
    for stream in Stream:
        coming = [c for c in collections if c.stream == stream and not c.cancelled]
        if coming or any(c.stream == stream for c in collections):
            bins.append(
                BinNext(
                    stream=stream.value,
                    next=coming[0] if coming else None,
                    then=coming[1] if len(coming) > 1 else None,
                )
            )
    since = timezone.now() - timedelta(days=RESULTS_DAYS)
    reports = [
        CrewReport(
            stream=r.stream,
            outcome=r.outcome,
            outcome_label=r.get_outcome_display(),
            occurred_at=r.occurred_at,
            note=r.note,
        )
        for r in CrewResult.objects.filter(address=address, occurred_at__gte=since)
        .exclude(outcome=CrewResult.Outcome.COLLECTED)
        .order_by("-occurred_at")[:10]
    ]
    return BinDay(
        uprn=address.uprn,
        address=address.single_line,
        postcode=address.postcode,
        today=today,
        bins=bins,
        collections=collections,
        reports=reports,
    )


def bin_day(address: Address, today: date | None = None) -> BinDay:
    """One address's bin day from `today` (London), computed once per waste generation."""
    today = today or timezone.localdate()
    key = bin_day_key(address.uprn, today)
    found = cache.get(key)
    if found is None:
        found = _bin_day(address, today)
        cache.set(key, found, BIN_DAY_CACHE_SECONDS)
    return found


def rounds_list() -> QuerySet[Round]:
    """Every round with how many addresses it serves (one query)."""
    return Round.objects.annotate(stop_count=Count("stops"))


def address_rounds(address: Address) -> list[Round]:
    return [s.round for s in RoundAddress.objects.filter(address=address).select_related("round")]


def address_results(address: Address, limit: int = 50) -> list[CrewResult]:
    """An address's crew results, newest first (the desk's view)."""
    return list(
        CrewResult.objects.filter(address=address)
        .select_related("round", "partner")
        .order_by("-occurred_at")[:limit]
    )
