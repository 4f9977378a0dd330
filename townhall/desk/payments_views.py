"""Payments in the desk: refunds on a case (team leads, managers, administrators) and the
daily reconciliation file for finance (managers, administrators)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from townhall.accounts.permissions import can_reconcile_payments, can_refund
from townhall.cases.permissions import case_for_staff
from townhall.core.calendars import LONDON
from townhall.core.downloads import download_response
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.forms import RefundForm
from townhall.desk.views import case_action_refused, refusal_add
from townhall.payments.models import Payment
from townhall.payments.refunds import refund_request
from townhall.payments.services import reconciliation_csv


@staff_required
@require_POST
def payment_refund(request: StaffRequest, reference: str, payment_id: int) -> HttpResponse:
    case = case_for_staff(request.user, reference)
    if not can_refund(request.user):
        return render(request, "desk/forbidden.html", status=403)
    payment = Payment.objects.filter(case=case, pk=payment_id).first()
    if payment is None:
        raise Http404
    form = RefundForm(request.POST, payment=payment)
    if form.is_valid():
        pence = form.cleaned_data["amount"]
        try:
            refund_request(
                payment=payment, amount_pence=pence, reason=form.cleaned_data["reason"],
                actor=request.user,
            )  # fmt: skip
        except ValidationError as error:
            refusal_add(form, "amount", error)
        else:
            messages.success(
                request,
                _("Refund of %(amount)s sent to GOV.UK Pay.") % {"amount": f"£{pence / 100:.2f}"},
            )
            return redirect("desk:case", case.reference)
    return case_action_refused(request, reference, "refund_form", form)


@staff_required
@require_GET
def reconciliation(request: StaffRequest) -> HttpResponse:
    """A date form; with a valid date, the CSV file for that day."""
    if not can_reconcile_payments(request.user):
        return render(request, "desk/forbidden.html", status=403)
    parts = {k: request.GET.get(f"day-{k}", "").strip() for k in ("day", "month", "year")}
    error = ""
    if any(parts.values()):
        try:
            chosen = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            error = _("Enter a real date, like 24 11 2026.")
        else:
            if chosen > timezone.localdate(timezone.now(), LONDON):
                error = _("The date must be today or in the past.")
            else:
                return download_response(
                    reconciliation_csv(chosen).encode(),
                    filename=f"payments-{chosen.isoformat()}",
                    content_type="text/csv; charset=utf-8",
                )
    return render(
        request,
        "desk/payments/reconciliation.html",
        {"values": parts, "error": error},
        status=400 if error else 200,
    )
