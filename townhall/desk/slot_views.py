"""Collection slots in the desk: the list per day and area with each slot's bookings (waste
officers), making slots in bulk, and the booking areas (which wards each covers). Each write
is one call to bookings' services."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from townhall.accounts.permissions import can_see_every_department, can_take_cases
from townhall.bookings import selectors as booking_selectors
from townhall.bookings.models import BookingArea
from townhall.bookings.services import booking_area_save, slots_create_bulk
from townhall.catalogue.models import Service
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.forms import BookingAreaForm, SlotsCreateForm
from townhall.desk.views import refusal_add
from townhall.eforms.models import FormVersion
from townhall.places.models import Ward

DAYS_SHOWN = 7


def _services_of(request: StaffRequest) -> QuerySet[Service]:
    services = Service.objects.filter(retired_at__isnull=True).order_by("name")
    if can_see_every_department(request.user):
        return services
    return services.filter(department__in=request.user.departments.all())


@staff_required
@require_GET
def slots(request: StaffRequest) -> HttpResponse:
    """A week of slots from a day (today by default), of every area or one."""
    try:
        start = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = timezone.localdate()
    area_id = request.GET.get("area", "")
    area = int(area_id) if area_id.isdigit() else None
    shown = booking_selectors.slots_for_desk(
        day_from=start, day_to=start + timedelta(days=DAYS_SHOWN - 1), area_id=area
    ).filter(service__in=_services_of(request))
    return render(
        request,
        "desk/slots/list.html",
        {
            "slots": shown,
            "areas": BookingArea.objects.all(),
            "area_id": area,
            "start": start,
            "end": start + timedelta(days=DAYS_SHOWN - 1),
            "previous": start - timedelta(days=DAYS_SHOWN),
            "next": start + timedelta(days=DAYS_SHOWN),
            "can_create": can_take_cases(request.user) or can_see_every_department(request.user),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def slots_create(request: StaffRequest) -> HttpResponse:
    if not (can_take_cases(request.user) or can_see_every_department(request.user)):
        return render(request, "desk/forbidden.html", status=403)
    services = _services_of(request)
    form = SlotsCreateForm(
        request.POST or None,
        services=[(s.pk, s.name) for s in services],
        areas=[(str(a.pk), a.name) for a in BookingArea.objects.all()],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made, there = slots_create_bulk(
                service=services.get(pk=data["service"]),
                areas=BookingArea.objects.filter(pk__in=data["areas"]),
                start=data["start"],
                end=data["end"],
                weekdays=[int(d) for d in data["weekdays"]],
                capacity=data["capacity"],
                unit=data["unit"],
                actor=request.user,
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                refusal_add(form, name if name in form.fields else None, ValidationError(problems))
        else:
            told = f"{made} slot{'s' if made != 1 else ''} made."
            if there:
                told += f" {there} already there kept their capacity and bookings."
            messages.success(request, told)
            return redirect(f"{redirect('desk:slots').url}?from={data['start'].isoformat()}")
    return render(
        request,
        "desk/slots/create.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _runs_slot_services(request: StaffRequest) -> bool:
    """Areas are shared by every slot service: administrators and managers of every
    department edit them, and officers of a department owning a service that has slots or
    a slot question in its published form."""
    if can_see_every_department(request.user):
        return True
    if not can_take_cases(request.user):
        return False
    services = _services_of(request)
    if booking_selectors.services_with_slots(services).exists():
        return True
    published = FormVersion.objects.filter(
        form__in=services.values("form"), status=FormVersion.Status.PUBLISHED
    ).values_list("definition", flat=True)
    return any(
        field.get("type") == "slot"
        for definition in published
        for page in definition.get("pages", [])
        for field in page.get("fields", [])
    )


@staff_required
@require_GET
def areas(request: StaffRequest) -> HttpResponse:
    """The booking areas, each with its wards, and the wards in none."""
    if not _runs_slot_services(request):
        return render(request, "desk/forbidden.html", status=403)
    shown = BookingArea.objects.prefetch_related("wards")
    return render(
        request,
        "desk/slots/areas.html",
        {
            "areas": shown,
            "wards_in_none": Ward.objects.filter(booking_areas__isnull=True).order_by("name"),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def area_edit(request: StaffRequest, slug: str = "") -> HttpResponse:
    """Add an area (no slug) or rename one and choose its wards."""
    if not _runs_slot_services(request):
        return render(request, "desk/forbidden.html", status=403)
    area = get_object_or_404(BookingArea, slug=slug) if slug else None
    initial = (
        {"name": area.name, "wards": list(area.wards.values_list("code", flat=True))}
        if area
        else None
    )
    form = BookingAreaForm(
        request.POST or None,
        initial=initial,
        wards=[(w.code, w.name) for w in Ward.objects.order_by("name")],
    )
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        try:
            saved = booking_area_save(
                slug=area.slug if area else slugify(name)[:60],
                name=name,
                ward_codes=form.cleaned_data["wards"],
                actor=request.user,
                new=area is None,
            )
        except ValidationError as error:
            for key, problems in error.message_dict.items():
                refusal_add(form, key if key in form.fields else None, ValidationError(problems))
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("desk:slots_areas")
    return render(
        request,
        "desk/slots/area_edit.html",
        {"form": form, "area": area},
        status=400 if form.errors else 200,
    )
