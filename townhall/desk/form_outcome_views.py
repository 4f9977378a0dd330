"""The form builder's outcomes: where a journey ends without anything being sent (an
eligibility checker's answers, or "this is not something we deal with"). A designer adds
and changes them here, English and Welsh side by side; each change is one edit of
builder.form_outcomes saved by form_draft_edit at the revision the page was read at, so a
colleague's save is never overwritten and what the designer typed is kept. Moving and
removing them go through the form's move and remove buttons (form_builder_views)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from townhall.builder.drafts import service_draft
from townhall.builder.form_drafts import draft_definition
from townhall.builder.form_outcomes import (
    next_steps_texts,
    outcome_add,
    outcome_edit,
    outcome_uses,
)
from townhall.catalogue.models import Service
from townhall.desk.access import StaffRequest, designer_required
from townhall.desk.form_builder_context import form_edit_save, page_name
from townhall.desk.form_builder_forms import OutcomeForm

TEMPLATE = "desk/builder/form/outcome.html"


def _page(
    request: StaffRequest, service: Service, form: OutcomeForm, outcome: dict | None, uses: list
) -> HttpResponse:
    failed = form.is_bound and bool(form.errors)
    context = {
        "service": service,
        "form": form,
        "outcome": outcome,
        "uses": [page_name(number, page) for number, page in uses],
        "form_has_errors": failed,
    }
    return render(request, TEMPLATE, context, status=400 if failed else 200)


@designer_required
@require_http_methods(["GET", "POST"])
def form_outcome_add(request: StaffRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service, slug=slug)
    draft = service_draft(service, actor=request.user)
    form = OutcomeForm(request.POST or None, initial={"revision": draft.revision})
    if request.method == "POST" and form.is_valid():
        texts = form.texts()
        made = form_edit_save(
            request,
            form,
            service,
            f"added outcome {texts['title'][:60]}",
            lambda d: outcome_add(d, texts=texts),
        )
        if made is not None:
            messages.success(
                request,
                gettext("Outcome added: %(title)s. A page's branches can now end on it.")
                % {"title": texts["title"]},
            )
            return redirect("builder:form", service.slug)
    return _page(request, service, form, None, [])


@designer_required
@require_http_methods(["GET", "POST"])
def form_outcome_edit(request: StaffRequest, slug: str, outcome_id: str) -> HttpResponse:
    service = get_object_or_404(Service, slug=slug)
    draft = service_draft(service, actor=request.user)
    definition = draft_definition(draft)
    outcome = next((o for o in definition.get("outcomes", []) if o["id"] == outcome_id), None)
    if outcome is None:
        raise Http404
    steps, steps_cy = next_steps_texts(outcome)
    initial = {
        "revision": draft.revision,
        "title": outcome["title"],
        "title_cy": outcome.get("title_cy", ""),
        "panel": outcome.get("panel", False),
        "body": "\n\n".join(outcome.get("body", [])),
        "body_cy": "\n\n".join(outcome.get("body_cy", [])),
        "next_steps": steps,
        "next_steps_cy": steps_cy,
    }
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        texts = form.texts()
        if (
            form_edit_save(
                request,
                form,
                service,
                f"changed outcome {outcome_id}",
                lambda d: outcome_edit(d, outcome_id, texts=texts),
            )
            is not None
        ):
            messages.success(
                request, gettext("Outcome saved: %(title)s") % {"title": texts["title"]}
            )
            return redirect("builder:form", service.slug)
    return _page(request, service, form, outcome, outcome_uses(definition, outcome_id))
