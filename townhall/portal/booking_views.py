"""The resident cancels a booked collection or visit from their request in My Account."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from townhall.accounts.models import User
from townhall.bookings import selectors as booking_selectors
from townhall.bookings import services as booking_services
from townhall.cases import selectors as case_selectors
from townhall.core.middleware import mark_personal
from townhall.payments.models import Payment
from townhall.payments.services import pounds


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_selectors.case_for_resident(cast(User, request.user), reference)
    booking = booking_selectors.booking_of_case(case.pk)
    if booking is None:
        raise Http404
    back = reverse("portal:request_detail", args=[reference])
    if not booking.is_active:
        return redirect(back)
    paid = case.payments.filter(status=Payment.Status.SUCCESS).first()
    refund = pounds(paid.refundable_pence) if paid and paid.refundable_pence else ""
    day = booking_services.day_text(booking.slot.day)
    error = ""
    if request.method == "POST":
        try:
            booking_services.booking_cancel(booking=booking, actor=request.user)
        except booking_services.BookingRefused as refused:
            error = str(refused)
        except ValidationError as refused:  # the refund was refused: nothing was cancelled
            error = " ".join(refused.messages)
        else:
            told = gettext("Your %(noun)s on %(day)s is cancelled.") % {
                "noun": booking.slot.noun,
                "day": day,
            }
            if refund:
                told += " " + gettext("We are refunding %(amount)s to your card.") % {
                    "amount": refund
                }
            messages.success(request, told)
            return redirect(back)
    mark_personal(request)
    return render(
        request,
        "portal/booking_cancel.html",
        {
            "case": case,
            "booking": booking,
            "day": day,
            "refund": refund,
            "too_late": timezone.now() > booking.cancel_by,
            "error": error,
            "back_url": back,
        },
        status=400 if error else 200,
    )
