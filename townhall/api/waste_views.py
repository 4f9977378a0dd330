"""The open waste API: addresses by postcode and each address's collections, as JSON for
anyone (no key), rate limited per client IP address. The same data as the bin-day page and
its ICS feed, read from waste.selectors (cached per address)."""

import datetime as dt
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja import Query, Router, Schema, Status

from townhall.api.schemas import InvalidRequest
from townhall.core.client_address import client_ip
from townhall.core.pagecache import page_cached_by_name
from townhall.core.ratelimit import rate_wait
from townhall.places import selectors as places
from townhall.places.services import postcode_normalise
from townhall.waste.generation import PAGES as WASTE_PAGES
from townhall.waste.selectors import bin_day

router = Router(auth=None, tags=["Waste collections (open data)"])
MAX_ADDRESSES = 300
# The shape of a UK postcode, any case, spaces around and inside; anything else is a 422.
POSTCODE_SHAPE = r"^ *[A-Za-z]{1,2}[0-9][A-Za-z0-9]? *[0-9][A-Za-z]{2} *$"


class Problem(Schema):
    detail: str


class AddressOut(Schema):
    uprn: str
    address: str
    collections_url: str


class AddressList(Schema):
    postcode: str
    addresses: list[AddressOut]


class CollectionOut(Schema):
    date: dt.date
    stream: str
    stream_name: str
    usual_date: dt.date
    moved: bool
    cancelled: bool
    reason: str


class CrewReportOut(Schema):
    stream: str
    outcome: str
    occurred_at: datetime
    note: str


class CollectionList(Schema):
    uprn: str
    address: str
    calendar_url: str
    collections: list[CollectionOut]
    crew_reports: list[CrewReportOut]


def _too_many(request: HttpRequest) -> HttpResponse | None:
    """429 with Retry-After past WASTE_API_RATE_PER_MINUTE requests from one IP, else None."""
    limit = settings.WASTE_API_RATE_PER_MINUTE
    if wait := rate_wait("waste-api", client_ip(request) or "unknown", limit):
        response = JsonResponse({"detail": f"Too many requests; wait {wait} s."}, status=429)
        response["Retry-After"] = str(wait)
        return response
    return None


def _rate_limited(view: Callable[..., Any]) -> Callable[..., Any]:
    """The per-IP limit, counted once: the page cache's guard counted it already when the
    request came through there (core/pagecache.py)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not getattr(request, "page_cache_guarded", False) and (refused := _too_many(request)):
            return refused
        return view(request, *args, **kwargs)

    return wrapped


# Anonymous answers kept whole, per day, until a round, stop or change moves (waste's
# generation): a hit costs the limit's count and one cache read, as Open311's reads do.
page_cached_by_name("api:waste_addresses", WASTE_PAGES, guard=_too_many)
page_cached_by_name("api:waste_collections", WASTE_PAGES, guard=_too_many, daily=True)


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@router.get(
    "/addresses",
    response={200: AddressList, 422: InvalidRequest, 429: Problem},
    summary="Addresses at a postcode",
    url_name="waste_addresses",
)
@_rate_limited
def waste_addresses(
    request: HttpRequest,
    response: HttpResponse,
    postcode: str = Query(..., pattern=POSTCODE_SHAPE, description="For example, TN23 1AA"),
):
    """The addresses with this postcode (any spacing or case), each with its UPRN. A postcode
    of the right shape that cannot exist (QQ1 1AA) simply has no addresses."""
    normalised = postcode_normalise(postcode)
    if normalised is None:
        compact = "".join(postcode.split()).upper()
        _public(response)
        return {"postcode": f"{compact[:-3]} {compact[-3:]}", "addresses": []}
    _public(response)
    return {
        "postcode": normalised,
        "addresses": [
            {
                "uprn": a.uprn,
                "address": a.single_line,
                "collections_url": reverse("api:waste_collections", args=[a.uprn]),
            }
            for a in places.addresses_for_postcode(normalised)[:MAX_ADDRESSES]
        ],
    }


@router.get(
    "/collections/{uprn}",
    response={200: CollectionList, 404: Problem, 422: InvalidRequest, 429: Problem},
    summary="Collections at an address",
    url_name="waste_collections",
)
@_rate_limited
def waste_collections(request: HttpRequest, response: HttpResponse, uprn: str):
    """The collections at one address for the next twelve weeks, by date: moved days say why,
    cancelled days are listed as cancelled. Crew reports are from the last fourteen days."""
    address = places.address_by_uprn(uprn)
    if address is None:
        return Status(404, {"detail": "No address has this UPRN."})
    day = bin_day(address)
    _public(response)
    return {
        "uprn": day.uprn,
        "address": day.address,
        "calendar_url": reverse("portal:bin_day_ics", args=[day.uprn]),
        "collections": [
            {
                "date": c.date,
                "stream": c.stream,
                "stream_name": str(c.stream_label),
                "usual_date": c.scheduled,
                "moved": c.moved,
                "cancelled": c.cancelled,
                "reason": str(c.reason),
            }
            for c in day.collections
        ],
        "crew_reports": [
            {"stream": r.stream, "outcome": r.outcome, "occurred_at": r.occurred_at, "note": r.note}
            for r in day.reports
        ],
    }
