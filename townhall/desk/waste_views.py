"""The waste officers' pages: rounds, one-off changes, importing an extract, and what crews
reported at an address. Staff of the waste department (WASTE_DEPARTMENT_SLUG) and
administrators only; each form is checked here and then passed to one waste service."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from townhall.accounts.permissions import can_see_every_department
from townhall.cases.selectors import missed_bin_repeats
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.waste_forms import AddressFindForm, RoundChangeForm, RoundForm, RoundsImportForm
from townhall.places import selectors as places
from townhall.waste import selectors
from townhall.waste.imports import ExtractRefused
from townhall.waste.models import Round, RoundChange
from townhall.waste.services import (
    round_change_record,
    round_change_remove,
    round_update,
    rounds_import,
)


def _waste_officer(user) -> bool:
    slug = getattr(settings, "WASTE_DEPARTMENT_SLUG", "waste-and-street-scene")
    return can_see_every_department(user) or user.departments.filter(slug=slug).exists()


def waste_officer_required(view):
    """Staff of the waste department (and administrators); others get the 403 page."""

    @staff_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _waste_officer(request.user):
            return render(request, "desk/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _add_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@waste_officer_required
def rounds(request: StaffRequest) -> HttpResponse:
    """GET /staff/waste/: every round, and finding an address."""
    find = AddressFindForm(request.GET or None)
    found = []
    if find.is_bound and find.is_valid():
        query = find.cleaned_data["q"]
        exact = places.address_by_uprn(query) if query.isdigit() else None
        if exact is not None:
            return redirect("waste_desk:address", uprn=exact.uprn)
        found = places.addresses_search(query, limit=50)
        if not found:
            find.add_error("q", _("No address matches: check the UPRN, postcode or address"))
    return render(
        request,
        "desk/waste/rounds.html",
        {"rounds": selectors.rounds_list(), "find": find, "found": found},
    )


@waste_officer_required
def round_detail(request: StaffRequest, code: str) -> HttpResponse:
    """GET/POST /staff/waste/rounds/<code>/: change the round; its one-off changes."""
    round_ = get_object_or_404(Round, code=code)
    form = RoundForm(request.POST if request.method == "POST" else None, initial=_initial(round_))
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                round_update(
                    round_=round_, actor=request.user, request=request, **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Round %(code)s is saved") % {"code": round_.code})
                return redirect("waste_desk:round", code=round_.code)
        status = 400
    return _round_page(request, round_, form, RoundChangeForm(), status)


def _initial(round_: Round) -> dict:
    return {
        "crew": round_.crew,
        "weekday": round_.weekday,
        "frequency": round_.frequency,
        "week": round_.week,
        "crew_finish_time": round_.crew_finish_time.strftime("%H:%M"),
    }


def _round_page(request, round_, form, change_form, status=200) -> HttpResponse:
    bad = bool(form.errors or change_form.errors)
    return render(
        request,
        "desk/waste/round.html",
        {
            "round": round_,
            "form": form,
            "change_form": change_form,
            "changes": round_.changes.order_by("-date")[:50],
            "stops": round_.stops.count(),
            "form_has_errors": bad,
        },
        status=status,
    )


@waste_officer_required
def round_change_add(request: StaffRequest, code: str) -> HttpResponse:
    """POST /staff/waste/rounds/<code>/changes/: a one-off change to one day."""
    round_ = get_object_or_404(Round, code=code)
    if request.method != "POST":
        return redirect("waste_desk:round", code=code)
    form = RoundChangeForm(request.POST)
    if form.is_valid():
        try:
            round_change_record(
                round_=round_, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The change on %(day)s is saved")
                % {"day": f"{form.cleaned_data['day']:%d/%m/%Y}"},
            )
            return redirect("waste_desk:round", code=code)
    return _round_page(request, round_, RoundForm(initial=_initial(round_)), form, 400)


@waste_officer_required
def round_change_delete(request: StaffRequest, code: str, change_id: int) -> HttpResponse:
    """POST /staff/waste/rounds/<code>/changes/<id>/remove/: undo a one-off change."""
    if request.method != "POST":
        return redirect("waste_desk:round", code=code)
    change = RoundChange.objects.filter(round__code=code, pk=change_id).first()
    if change is not None:  # already removed (a second click) is fine
        round_change_remove(change=change, actor=request.user, request=request)
        messages.success(request, _("The change is removed: the round collects as usual that day"))
    return redirect("waste_desk:round", code=code)


@waste_officer_required
def rounds_upload(request: StaffRequest) -> HttpResponse:
    """GET/POST /staff/waste/import/: import a round extract, all or nothing."""
    form = RoundsImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if form.is_bound and form.is_valid():
        try:
            summary = rounds_import(
                extract=form.cleaned_data["extract"],
                columns=form.columns(),
                actor=request.user,
                request=request,
            )
        except ExtractRefused as refused:
            problems = refused.problems
        else:
            messages.success(
                request,
                _(
                    "Imported %(rows)d rows: %(created)d rounds created, %(updated)d updated, "
                    "%(stops)d addresses served"
                )
                % {
                    "rows": summary.rows,
                    "created": summary.rounds_created,
                    "updated": summary.rounds_updated,
                    "stops": summary.stops,
                },
            )
            return redirect("waste_desk:rounds")
    bad = bool(form.errors or problems)
    return render(
        request,
        "desk/waste/import.html",
        {
            "form": form,
            "problems": problems[:200],
            "more": max(0, len(problems) - 200),
            "form_has_errors": bad,
        },
        status=400 if bad else 200,
    )


@waste_officer_required
def address(request: StaffRequest, uprn: str) -> HttpResponse:
    """GET /staff/waste/addresses/<uprn>/: an address's rounds, collections and crew results."""
    found = places.address_by_uprn(uprn)
    if found is None:
        raise Http404
    return render(
        request,
        "desk/waste/address.html",
        {
            "address": found,
            "rounds": selectors.address_rounds(found),
            "day": selectors.bin_day(found),
            "results": selectors.address_results(found),
            "repeat_misses": missed_bin_repeats(found.uprn),
        },
    )
