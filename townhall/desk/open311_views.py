"""Open311 clients for administrators: issue a key (shown once), revoke one, and read each
client's request log."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from townhall.core.audit import audit_record
from townhall.desk.access import StaffRequest, administrator_required
from townhall.desk.views import _pagination as pagination_links
from townhall.open311.clients import api_client_create, api_client_push_set, api_client_revoke
from townhall.open311.models import ApiClient, Open311RequestLog

NAME_MAX = 100


@administrator_required
@require_http_methods(["GET", "POST"])
def clients(request: StaffRequest) -> HttpResponse:
    error, new_key, name = "", "", ""
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        if not name:
            error = "Enter the client's name, like FixMyStreet."
        elif len(name) > NAME_MAX:
            error = f"The name must be {NAME_MAX} characters or fewer."
        else:
            client, new_key = api_client_create(name=name)
            audit_record(
                action="open311_key_issue", object_type="open311_client", object_id=client.pk,
                actor=request.user, detail={"name": client.name, "prefix": client.key_prefix},
            )  # fmt: skip
            name = ""
    since = timezone.now() - timedelta(days=1)
    rows = ApiClient.objects.annotate(
        requests_day=Count("requests", filter=Q(requests__at__gte=since)),
        reports=Count("submissions", distinct=True),
    ).order_by("-is_active", "name")
    response = render(
        request,
        "desk/integrations/open311_clients.html",
        {"clients": rows, "error": error, "new_key": new_key, "name": name},
        status=400 if error else 200,
    )
    response["Cache-Control"] = "no-store"  # a new key is on this page once
    return response


@administrator_required
@require_POST
def client_revoke(request: StaffRequest, client_id: int) -> HttpResponse:
    client = get_object_or_404(ApiClient, pk=client_id)
    api_client_revoke(client=client)
    audit_record(
        action="open311_key_revoke", object_type="open311_client", object_id=client.pk,
        actor=request.user, detail={"name": client.name},
    )  # fmt: skip
    return redirect("desk:open311_clients")


@administrator_required
@require_http_methods(["GET", "POST"])
def client_log(request: StaffRequest, client_id: int) -> HttpResponse:
    """A client's request log, and where its status updates are pushed."""
    client = get_object_or_404(ApiClient, pk=client_id)
    push_error, push_secret, push_url = "", "", client.push_url
    if request.method == "POST":
        push_url = request.POST.get("push_url", "")
        try:
            push_secret = api_client_push_set(client=client, url=push_url)
        except ValidationError as refused:
            push_error = refused.messages[0]
        else:
            audit_record(
                action="open311_push_set", object_type="open311_client", object_id=client.pk,
                actor=request.user, detail={"url": client.push_url},
            )  # fmt: skip
    page = Paginator(Open311RequestLog.objects.filter(client=client), 50).get_page(
        request.GET.get("page")
    )
    response = render(
        request,
        "desk/integrations/open311_log.html",
        {"client": client, "page": page, "pagination": pagination_links(page, {}),
         "push_error": push_error, "push_secret": push_secret, "push_url": push_url},
        status=400 if push_error else 200,
    )  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response
