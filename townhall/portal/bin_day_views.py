"""Bin day: a resident finds their address by postcode and sees their next collections, any
moved day explained, and what crews reported; "Add to your calendar" is an ICS feed per
address. Reads only: nothing here writes, so every form is a GET and works without
JavaScript. The collections come from waste.selectors, cached per address."""

from typing import cast
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from townhall.cases.models import Case
from townhall.cases.selectors import missed_bin_service
from townhall.catalogue import selectors as catalogue
from townhall.core.pagecache import page_cached
from townhall.places import selectors as places
from townhall.places.models import Address
from townhall.places.services import postcode_normalise
from townhall.waste.generation import PAGES as WASTE_PAGES
from townhall.waste.ics import bin_day_ics
from townhall.waste.missed import missed_reportable
from townhall.waste.selectors import BinDay, bin_day

MAX_ADDRESSES = 300


class PostcodeForm(forms.Form):
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=16,
        help_text=_("For example, TN23 1AA"),
        error_messages={"required": _("Enter a postcode")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def clean_postcode(self) -> str:
        postcode = postcode_normalise(self.cleaned_data["postcode"])
        if postcode is None:
            raise forms.ValidationError(_("Enter a full UK postcode, like TN23 1AA"))
        return postcode


class AddressForm(forms.Form):
    uprn = forms.ChoiceField(
        label=_("Select your address"),
        error_messages={
            "required": _("Select your address"),
            "invalid_choice": _("Select your address from the list"),
        },
    )

    def __init__(self, *args, addresses: list[Address], **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        count = len(addresses)
        found = ngettext("%(count)s address found", "%(count)s addresses found", count)
        choices = [("", found % {"count": count})]
        field = cast(forms.ChoiceField, self.fields["uprn"])
        field.choices = choices + [(a.uprn, a.single_line) for a in addresses]


def _addresses(postcode: str) -> list[Address]:
    return list(places.addresses_for_postcode(postcode)[:MAX_ADDRESSES])


def bin_day_find(request: HttpRequest) -> HttpResponse:
    """GET /bin-day/: the postcode; then, with ?postcode=, the addresses found."""
    if "postcode" not in request.GET:
        return render(request, "portal/bin_day_find.html", {"form": PostcodeForm()})
    form = PostcodeForm(request.GET)
    addresses: list[Address] = []
    if form.is_valid():
        addresses = _addresses(form.cleaned_data["postcode"])
        if not addresses:
            form.add_error(
                "postcode",
                _(
                    "We could not find any addresses for %(postcode)s. "
                    "Check the postcode, or contact us if it is right"
                )
                % {"postcode": form.cleaned_data["postcode"]},
            )
    if form.errors:
        context = {"form": form, "form_has_errors": True}
        return render(request, "portal/bin_day_find.html", context, status=400)
    postcode = form.cleaned_data["postcode"]
    choose = AddressForm(request.GET if "uprn" in request.GET else None, addresses=addresses)
    if choose.is_bound and choose.is_valid():
        return redirect("portal:bin_day", uprn=choose.cleaned_data["uprn"])
    context = {"postcode": postcode, "form": choose, "form_has_errors": bool(choose.errors)}
    return render(request, "portal/bin_day_address.html", context)


def _address(uprn: str) -> Address:
    address = places.address_by_uprn(uprn)
    if address is None:
        raise Http404
    return address


@page_cached(WASTE_PAGES, daily=True)
def bin_day_show(request: HttpRequest, uprn: str) -> HttpResponse:
    """GET /bin-day/<uprn>/: the next collection of each bin at one address."""
    address = _address(uprn)
    day = bin_day(address)
    return render(
        request,
        "portal/bin_day.html",
        {
            "day": day,
            "ics_url": reverse("portal:bin_day_ics", args=[address.uprn]),
            "api_url": reverse("api:waste_collections", args=[address.uprn]),
        },
    )


def bin_day_calendar(request: HttpRequest, uprn: str) -> HttpResponse:
    """GET /bin-day/<uprn>.ics: the collections as a calendar to subscribe to."""
    address = _address(uprn)
    response = HttpResponse(
        bin_day_ics(bin_day(address)), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="bin-collections-{address.uprn}.ics"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


def bin_day_for_resident(user) -> tuple[BinDay | None, Address | None]:
    """A signed-in resident's bin day and its address: the address on their account, else the
    address of their most recent request that named one (the account may hold none)."""
    if not getattr(user, "is_authenticated", False) or user.is_council_staff:
        return None, None
    uprn = user.uprn or (
        Case.objects.filter(resident=user)
        .exclude(uprn="")
        .order_by("-created_at")
        .values_list("uprn", flat=True)
        .first()
    )
    address = places.address_by_uprn(uprn or "")
    if address is None:
        return None, None
    day = bin_day(address)
    return (day, address) if day.has_rounds else (None, None)


def missed_for_resident(day: BinDay | None, address: Address | None) -> list[dict]:
    """For each bin collected at the resident's address lately whose missed collection can
    be reported now: a link that starts the report with the address and bin filled in."""
    if day is None or address is None:
        return []
    # Its form's address and bin questions are named `address` and `bin_type`.
    slug = missed_bin_service()
    if not any(s.slug == slug for s in catalogue.services_public_list()):
        return []
    start = reverse("portal:service_start", args=[slug])
    return [
        {
            "label": found.label,
            "date": found.collection.date,
            "url": f"{start}?"
            + urlencode({"prefill-address": day.uprn, "prefill-bin_type": found.stream}),
        }
        for found in missed_reportable(address)
    ]
