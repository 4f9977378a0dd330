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
from townhall.desk.forms import Open311ClientForm, Open311PushForm
from townhall.desk.views import _pagination as pagination_links
from townhall.open311.clients import api_client_create, api_client_push_set, api_client_revoke
from townhall.open311.models import ApiClient, Open311RequestLog


@administrator_required
@require_http_methods(["GET", "POST"])
def clients(request: StaffRequest) -> HttpResponse:
    new_key = ""
    form = Open311ClientForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        client, new_key = api_client_create(name=form.cleaned_data["name"])
        audit_record(
            action="open311_key_issue", object_type="open311_client", object_id=client.pk,
            actor=request.user, detail={"name": client.name, "prefix": client.key_prefix},
        )  # fmt: skip
        form = Open311ClientForm()  # the next key starts from an empty name
    since = timezone.now() - timedelta(days=1)
    rows = ApiClient.objects.annotate(
        requests_day=Count("requests", filter=Q(requests__at__gte=since)),
        reports=Count("submissions", distinct=True),
    ).order_by("-is_active", "name")
    response = render(
        request,
        "desk/integrations/open311_clients.html",
        {"clients": rows, "form": form, "new_key": new_key},
        status=400 if form.errors else 200,
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
    push_secret = ""
    form = Open311PushForm(
        request.POST if request.method == "POST" else None,
        initial={"push_url": client.push_url},
    )
    if form.is_valid():
        try:
            push_secret = api_client_push_set(client=client, url=form.cleaned_data["push_url"])
        except ValidationError as refused:
            form.add_error("push_url", " ".join(refused.messages))
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
         "form": form, "push_secret": push_secret},
        status=400 if form.errors else 200,
    )  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response
