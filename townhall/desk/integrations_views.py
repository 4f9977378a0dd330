"""Integrations for administrators: partners, failed and dead-lettered messages (with the
partner's error), retry or cancel, and the partner requests we refused."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from townhall.core.reconcile import backlogs, heartbeats_recent
from townhall.core.tasks import tasks_failed_latest
from townhall.desk.access import StaffRequest, administrator_required
from townhall.desk.forms import OutboxCancelForm
from townhall.desk.views import _pagination as pagination_links
from townhall.integrations import selectors
from townhall.integrations.models import OutboxMessage, PartnerEndpoint, SentMessage
from townhall.integrations.outbox.services import (
    OutboxActionError,
    outbox_cancel,
    outbox_retry,
    sent_message_cancel,
    sent_message_retry_request,
)

PAGE_SIZE = 25


@administrator_required
@require_GET
def integrations_home(request: StaffRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    partner = request.GET.get("partner", "")
    page = Paginator(
        selectors.problem_messages(status=status, partner=partner), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/integrations/home.html",
        {
            "partners": selectors.partner_summaries(),
            "page": page,
            "status": status,
            "partner": partner,
            "partner_names": PartnerEndpoint.objects.values_list("name", flat=True),
            "refusals": selectors.refusals_recent(),
            "failed_notifications": selectors.sent_messages_failed()[:50],
            "pagination": pagination_links(page, {"status": status, "partner": partner}),
            "backlogs": backlogs(),
            "failed_tasks": tasks_failed_latest(),
            "heartbeats": heartbeats_recent(),
            "heartbeat_max_age": settings.READYZ_HEARTBEAT_MAX_AGE,
        },
    )


@administrator_required
@require_GET
def message_detail(request: StaffRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=message_id)
    return render(
        request,
        "desk/integrations/message.html",
        {"message": message, "cancel_form": OutboxCancelForm()},
    )


@administrator_required
@require_POST
def message_retry(request: StaffRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=message_id)
    try:
        outbox_retry(message=message, actor=request.user)
    except OutboxActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, gettext("Message %(pk)s will be sent again now.") % {"pk": message.pk}
        )
    return redirect("desk:integration_message", message_id=message.pk)


@administrator_required
@require_POST
def message_cancel(request: StaffRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(OutboxMessage, pk=message_id)
    form = OutboxCancelForm(request.POST)
    if form.is_valid():
        try:
            outbox_cancel(message=message, actor=request.user, reason=form.cleaned_data["reason"])
        except OutboxActionError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(
                request,
                gettext("Message %(pk)s is cancelled: it will not be sent.") % {"pk": message.pk},
            )
            return redirect("desk:integration_message", message_id=message.pk)
    return render(
        request,
        "desk/integrations/message.html",
        {"message": message, "cancel_form": form},
        status=400,
    )


@administrator_required
@require_POST
def notification_retry(request: StaffRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(SentMessage, pk=message_id)
    try:
        sent_message_retry_request(message=message, actor=request.user)
    except OutboxActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            gettext("The %(channel)s will be sent again now.")
            % {"channel": message.get_channel_display()},
        )
    return redirect("desk:integrations")


@administrator_required
@require_POST
def notification_cancel(request: StaffRequest, message_id: int) -> HttpResponse:
    message = get_object_or_404(SentMessage, pk=message_id)
    # The reason is a fixed hidden field of the integrations page: any text is accepted.
    form = OutboxCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        sent_message_cancel(message=message, actor=request.user, reason=reason)
    except OutboxActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            gettext("The %(channel)s is cancelled.") % {"channel": message.get_channel_display()},
        )
    return redirect("desk:integrations")
