"""Reads of permits that more than one door needs (My Account, the desk, waste rounds)."""

from datetime import date

from django.db.models import Q, QuerySet

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.permits.models import Permit
from townhall.permits.services import renewal_problem
from townhall.places.models import Address

State = Permit.State


def address_has_active_permit(address: Address, service_slug: str, on_date: date) -> bool:
    """Whether a paid permit of the service covers the address on the day (for waste rounds:
    no permit, no garden waste collection). Cancelled and expired permits do not."""
    return Permit.objects.filter(
        Q(address=address) | Q(uprn=address.uprn),
        scheme__service__slug=service_slug,
        state=State.ACTIVE,
        starts_on__lte=on_date,
        ends_on__gte=on_date,
    ).exists()


def address_has_garden_permit(address: Address, on: date) -> bool:
    """Whether a live permit of a garden waste scheme covers the address on the day: the
    check waste's garden rounds ask (`waste.hooks.garden_subscription_register`)."""
    return Permit.objects.filter(
        Q(address=address) | Q(uprn=address.uprn),
        scheme__garden_waste=True,
        state=State.ACTIVE,
        starts_on__lte=on,
        ends_on__gte=on,
    ).exists()


def permits_of_resident(user: User) -> QuerySet[Permit]:
    """A resident's permits, newest first, without renewals that were never paid."""
    return (
        Permit.objects.filter(holder=user)
        .exclude(number=None)  # never paid: a renewal waiting for payment, or given up
        .select_related("scheme__service")
        .prefetch_related("renewals")
        .order_by("-starts_on", "-pk")
    )


def permits_for_my_account(user: User) -> list[tuple[Permit, bool]]:
    """A resident's permits, each with whether it can be renewed now (My Account's "Renew")."""
    return [(p, not renewal_problem(p)) for p in permits_of_resident(user)]


def permit_of_resident(user: User, number: str) -> Permit | None:
    return (
        Permit.objects.filter(holder=user, number=number)
        .select_related("scheme__service", "payment", "refund")
        .first()
    )


def permit_for_case(case: Case) -> Permit | None:
    return Permit.objects.filter(case=case).exclude(number=None).first()


def permits_search(query: str, *, department_ids: list[int] | None = None) -> QuerySet[Permit]:
    """The desk's list: by permit number, address (text, postcode or UPRN) or holder; only
    the services of `department_ids` when given (None: every department)."""
    permits = Permit.objects.exclude(number=None).select_related(
        "scheme__service", "holder", "case", "address"
    )
    if department_ids is not None:
        permits = permits.filter(scheme__service__department_id__in=department_ids)
    query = query.strip()
    if query:
        permits = permits.filter(
            Q(number__icontains=query)
            | Q(address_text__icontains=query)
            | Q(uprn=query)
            | Q(address__postcode__iexact=" ".join(query.upper().split()))
            | Q(holder_name__icontains=query)
            | Q(holder_email__icontains=query)
            | Q(holder__email__icontains=query)
            | Q(holder__full_name__icontains=query)
        )
    return permits.order_by("-issued_at", "-pk")
