"""A resident's permits in My Account: see one, renew it (check, then pay: two clicks from
My Account to GOV.UK Pay), cancel it with its pro rata refund. Every write is a permits
service; the payment is payments' own."""

import contextlib
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from townhall.accounts.models import User
from townhall.core.middleware import mark_personal
from townhall.integrations.govuk_pay.client import PayError
from townhall.payments.models import Payment
from townhall.payments.services import PaymentRefused, payment_refresh, payment_start
from townhall.permits import selectors
from townhall.permits.models import Permit
from townhall.permits.services import (
    cancellation_quote,
    permit_cancel,
    permit_renew,
    renewal_problem,
    renewal_quote,
)
from townhall.portal.payment_views import FAILURE_REASONS


def _permit(request: HttpRequest, number: str) -> Permit:
    permit = selectors.permit_of_resident(cast(User, request.user), number)
    if permit is None:
        raise Http404
    mark_personal(request)
    return permit


@login_required
@require_GET
def permit_detail(request: HttpRequest, number: str) -> HttpResponse:
    permit = _permit(request, number)
    return render(
        request,
        "portal/permit_detail.html",
        {
            "permit": permit,
            "can_renew": not renewal_problem(permit),
            "renewed_by": permit.renewals.filter(state=Permit.State.ACTIVE).first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def permit_renew_check(request: HttpRequest, number: str) -> HttpResponse:
    """Check answers for a renewal (same bins, today's price); its button goes to Pay."""
    permit = _permit(request, number)
    try:
        quote = renewal_quote(permit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:permit_detail", permit.number)
    if request.method == "POST":
        try:
            renewal = permit_renew(permit=permit, actor=cast(User, request.user))
            payment = payment_start(
                case=renewal.case,
                amount_pence=renewal.price_pence,
                return_url=lambda p: request.build_absolute_uri(
                    reverse("portal:permit_renew_return", args=[p.return_token])
                ),
                actor=request.user,
            )
        except (ValidationError, PaymentRefused) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            return redirect("portal:permit_renew", permit.number)
        return redirect(payment.next_url, status=303)
    latest = Payment.objects.filter(case__permit__renews=permit).order_by("-created_at").first()
    failed = latest is not None and latest.is_finished and latest.status != "success"
    return render(
        request,
        "portal/permit_renew.html",
        {
            "permit": permit,
            "quote": quote,
            "failed": failed,
            "reason": FAILURE_REASONS.get(latest.code, "") if failed and latest else "",
        },
    )


@require_GET
def permit_renew_return(request: HttpRequest, token: str) -> HttpResponse:
    """Back from Pay: ask Pay (the way back carries no outcome), then show the new permit."""
    payment = get_object_or_404(
        Payment.objects.select_related("case__permit__renews"), return_token=token
    )
    renewal = getattr(payment.case, "permit", None)
    if renewal is None or renewal.renews is None:
        raise Http404
    with contextlib.suppress(PayError, PaymentRefused):
        payment = payment_refresh(payment)
    mark_personal(request)
    if payment.status == Payment.Status.SUCCESS:
        renewal.refresh_from_db()
        messages.success(
            request,
            gettext("Your renewal is paid. Your new permit number is %(number)s.")
            % {"number": renewal.number},
        )
        return redirect("portal:permit_detail", renewal.number)
    if payment.is_finished:
        return redirect("portal:permit_renew", renewal.renews.number)
    return render(
        request,
        "payments/checking.html",
        {
            "payment": payment,
            "case": payment.case,
            "service": payment.case.service,
            "check_again_url": reverse("portal:permit_renew_return", args=[payment.return_token]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def permit_cancel_confirm(request: HttpRequest, number: str) -> HttpResponse:
    permit = _permit(request, number)
    try:
        quote = cancellation_quote(permit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:permit_detail", permit.number)
    if request.method == "POST":
        try:
            permit_cancel(permit=permit, actor=cast(User, request.user))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext("Permit %(number)s is cancelled.") % {"number": permit.number}
                + (
                    " "
                    + gettext("We are refunding %(amount)s to your card.")
                    % {"amount": f"£{quote.refund_pence / 100:.2f}"}
                    if quote.refund_pence
                    else ""
                ),
            )
        return redirect("portal:permit_detail", permit.number)
    return render(request, "portal/permit_cancel.html", {"permit": permit, "quote": quote})
