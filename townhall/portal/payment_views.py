"""Paying for a request online: the resident is sent to GOV.UK Pay's card page and comes
back here. The way back carries no outcome; we ask Pay (payments.services)."""

import contextlib

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from townhall.core.middleware import mark_personal
from townhall.eforms.services import submission_submit
from townhall.integrations.govuk_pay.client import PayError
from townhall.payments.models import Payment
from townhall.payments.services import (
    PaymentRefused,
    case_fee_pence,
    payment_refresh,
    payment_start,
)
from townhall.portal.journey import form_session_for_request

FAILURE_REASONS = {
    "P0010": gettext_lazy("Your card was declined. You have not been charged."),
    "P0020": gettext_lazy("The payment timed out because it was not finished within 90 minutes."),
    "P0030": gettext_lazy("You cancelled the payment."),
}


def payment_needed(case) -> bool:
    return (
        bool(case_fee_pence(case))
        and not case.payments.filter(status=Payment.Status.SUCCESS).exists()
    )


def pay_page(request: HttpRequest, slug: str, session, case) -> HttpResponse:
    """Shown instead of the confirmation while the fee is unpaid."""
    mark_personal(request)
    latest = case.payments.order_by("-created_at").first()
    return render(
        request,
        "payments/pay.html",
        {
            "service": case.service,
            "case": case,
            "fee_pence": case_fee_pence(case),
            "session": session,
            "slug": slug,
            "latest": latest if latest and latest.is_finished else None,
            "reason": FAILURE_REASONS.get(latest.code, "") if latest else "",
        },
    )


@require_POST
def pay_start(request: HttpRequest, slug: str, session_id) -> HttpResponse:
    session = form_session_for_request(request, session_id, slug)
    if not hasattr(session, "submission"):
        return redirect("portal:form_check", slug, session.pk)
    case = submission_submit(session=session)
    if not payment_needed(case):
        return redirect("portal:form_done", slug, session.pk)
    try:
        payment = payment_start(
            case=case,
            return_url=lambda p: request.build_absolute_uri(
                reverse("portal:pay_return", args=[p.return_token])
            ),
            actor=request.user,
        )
    except PaymentRefused as refused:
        messages.error(request, str(refused))
        return redirect("portal:form_done", slug, session.pk)
    return redirect(payment.next_url, status=303)


@require_GET
def pay_return(request: HttpRequest, token: str) -> HttpResponse:
    payment = get_object_or_404(Payment.objects.select_related("case__service"), return_token=token)
    case = payment.case
    submission = getattr(case, "submission", None)
    if submission is None:
        raise Http404
    # When Pay cannot be asked now it shows as "still checking": the webhook and the sweep
    # will settle it.
    with contextlib.suppress(PayError, PaymentRefused):
        payment = payment_refresh(payment)
    session = submission.form_session
    done = reverse("portal:form_done", args=[case.service.slug, session.pk])
    if payment.status == Payment.Status.SUCCESS:
        return redirect(done)
    mark_personal(request)
    if payment.is_finished:
        return redirect(done)  # the pay page says why and offers to try again
    return render(
        request,
        "payments/checking.html",
        {
            "payment": payment,
            "case": case,
            "service": case.service,
            "check_again_url": reverse("portal:pay_return", args=[payment.return_token]),
        },
    )
