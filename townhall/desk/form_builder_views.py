"""The form builder: a service designer edits the form of a service's draft, page by page,
and previews it at phone width. Each change is one edit of builder.form_editing saved by
builder.form_drafts.form_draft_edit, with the draft revision the page was read at: when a
colleague saved first, the page comes back with what the designer typed and says who.
Everything works with plain forms; with JavaScript, moves and removals on the list update
it in place (htmx) and pages and questions can be dragged (the same move endpoint)."""

import re
from typing import Any
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.builder.drafts import DraftConflict, service_draft
from townhall.builder.form_drafts import FormEdit, draft_definition, form_draft_edit
from townhall.builder.form_editing import (
    OUTCOME_TARGET,
    branch_rows,
    branches_set,
    page_add,
    page_edit,
    page_move,
    page_remove,
    question_add,
    question_edit,
    question_find,
    question_move,
    question_remove,
    wording_set,
)
from townhall.builder.form_outcomes import outcome_index, outcome_move, outcome_remove
from townhall.builder.form_questions import FormEditRefused
from townhall.catalogue.models import Service
from townhall.desk.access import StaffRequest, designer_required
from townhall.desk.form_builder_context import (
    branches_form,
    form_edit_save,
    list_context,
    page_name,
    question_initial,
    questions_before,
    questions_shown,
)
from townhall.desk.form_builder_forms import (
    DraftForm,
    PageForm,
    QuestionForm,
    WordingForm,
)
from townhall.desk.form_preview import preview_answers_read, preview_answers_sign, preview_step

TEMPLATES = "desk/builder/form/"
PAGE_ID = re.compile(r"[a-z][a-z0-9-]{0,40}")


def _service(slug: str) -> Service:
    return get_object_or_404(Service, slug=slug)


def _page_or_404(definition: dict, page_id: str) -> dict:
    page = next((p for p in definition["pages"] if p["id"] == page_id), None)
    if page is None:
        raise Http404
    return page


def _render(request: StaffRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    forms_ = [v for v in context.values() if isinstance(v, DraftForm)]
    failed = any(f.is_bound and f.errors for f in forms_)
    context["form_has_errors"] = failed
    return render(request, TEMPLATES + template, context, status=400 if failed else 200)


@designer_required
@require_GET
def form_pages(request: StaffRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    draft = service_draft(service, actor=request.user)
    context = list_context(service, draft, draft_definition(draft))
    return render(request, TEMPLATES + "pages.html", context)


@designer_required
@require_POST
def form_move(request: StaffRequest, slug: str) -> HttpResponse:
    """Move a page, a question or an outcome: up or down one place (buttons), or to a position and
    page (dragging). With htmx the list is sent back, else the designer goes back to it."""
    service = _service(slug)
    kind, item = request.POST.get("kind", ""), request.POST.get("id", "")
    direction = request.POST.get("direction", "")
    target_page = request.POST.get("page") or None

    def edit(definition: dict) -> dict:
        by = {"up": -1, "down": 1}.get(direction)
        if kind == "outcome":
            index = outcome_index(definition, item)
            position = index + by if by else _position(request)
            return outcome_move(definition, item, position=position)
        if kind == "page":
            index = [p["id"] for p in definition["pages"]].index(item)
            position = index + by if by else _position(request)
            return page_move(definition, item, position=position)
        _, q = question_find(definition, item)
        position = q + by if by else _position(request)
        return question_move(definition, item, position=position, page_id=target_page)

    if kind not in ("page", "question", "outcome"):
        raise Http404
    # An outcome's item on the list is `outcome:<id>`: its id may also be a page's.
    shown = OUTCOME_TARGET + item if kind == "outcome" else item
    return _list_change(
        request, service, f"moved {kind} {item}", edit, focus=(kind, shown, direction)
    )


def _position(request: StaffRequest) -> int:
    try:
        return max(0, int(request.POST.get("position", "")))
    except ValueError:
        raise Http404 from None


@designer_required
@require_POST
def form_remove(request: StaffRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    kind, item = request.POST.get("kind", ""), request.POST.get("id", "")
    if kind == "page":
        return _list_change(
            request, service, f"removed page {item}", lambda d: page_remove(d, item)
        )
    if kind == "question":
        return _list_change(
            request, service, f"removed question {item}", lambda d: question_remove(d, item)
        )
    if kind == "outcome":
        return _list_change(
            request, service, f"removed outcome {item}", lambda d: outcome_remove(d, item)
        )
    raise Http404


def _list_change(
    request: StaffRequest,
    service: Service,
    change: str,
    edit: FormEdit,
    focus: tuple[str, str, str] = ("", "", ""),
) -> HttpResponse:
    form = DraftForm(request.POST)
    form.is_valid()
    notice = ""
    try:
        form_draft_edit(
            service=service,
            revision=form.draft_revision(),
            actor=request.user,
            change=change,
            edit=edit,
        )
    except FormEditRefused as refused:
        notice = "; ".join(refused.errors.values())
    except ValueError:
        raise Http404 from None
    except DraftConflict as conflict:
        notice = f"{conflict} Nothing was changed: this is the form as it is now."
    back = request.POST.get("back", "")
    back = back if PAGE_ID.fullmatch(back) else ""
    if request.headers.get("HX-Request"):
        draft = service_draft(service, actor=request.user)
        context = list_context(service, draft, draft_definition(draft))
        context.update({"notice": notice, "focus": focus})
        return render(request, TEMPLATES + "_pages_list.html", context)
    if notice:
        messages.error(request, notice)
    if back:
        return redirect("builder:form_page", service.slug, back)
    return redirect("builder:form", service.slug)


@designer_required
@require_http_methods(["GET", "POST"])
def form_page_add(request: StaffRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    draft = service_draft(service, actor=request.user)
    form = PageForm(request.POST or None, initial={"revision": draft.revision}, with_intro=False)
    if request.method == "POST" and form.is_valid():
        title, title_cy = form.cleaned_data["title"], form.cleaned_data["title_cy"]
        made = form_edit_save(
            request,
            form,
            service,
            f"added page {title}",
            lambda d: page_add(d, title=title, title_cy=title_cy),
        )
        if made is not None:
            messages.success(request, _("Page added. Now add its question."))
            return redirect("builder:form_page", service.slug, made)
    return _render(request, "page_add.html", {"service": service, "form": form})


@designer_required
@require_http_methods(["GET", "POST"])
def form_page_edit(request: StaffRequest, slug: str, page_id: str) -> HttpResponse:
    """A page: its questions, its title and introduction, where it goes next."""
    service = _service(slug)
    draft = service_draft(service, actor=request.user)
    definition = draft_definition(draft)
    page = _page_or_404(definition, page_id)
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "")
    page_form = PageForm(
        posted if action == "page" else None,
        initial={
            "revision": draft.revision,
            "title": page.get("title", ""),
            "title_cy": page.get("title_cy", ""),
            "intro": "\n\n".join(page.get("intro", [])),
            "intro_cy": "\n\n".join(page.get("intro_cy", [])),
        },
    )
    branches = branches_form(
        definition, page_id, posted if action == "branches" else None, draft.revision
    )
    if action == "page" and page_form.is_valid():
        texts = {k: page_form.cleaned_data[k] for k in ("title", "title_cy", "intro", "intro_cy")}
        if (
            form_edit_save(
                request,
                page_form,
                service,
                f"changed page {page_id}",
                lambda d: page_edit(d, page_id, **texts),
            )
            is not None
        ):
            messages.success(request, _("Page saved"))
            return redirect("builder:form_page", service.slug, page_id)
    if action == "branches" and branches.is_valid():
        rules, otherwise = branches.rules(), branches.cleaned_data["otherwise"]
        if (
            form_edit_save(
                request,
                branches,
                service,
                f"changed branches of page {page_id}",
                lambda d: branches_set(d, page_id, rules=rules, otherwise=otherwise),
            )
            is not None
        ):
            messages.success(request, _("Where the page goes next is saved"))
            return redirect("builder:form_page", service.slug, page_id)
    number = [p["id"] for p in definition["pages"]].index(page_id) + 1
    context = {
        "service": service,
        "page": page,
        "name": page_name(number, page),
        "questions": questions_shown(page),
        "revision": draft.revision,
        "page_form": page_form,
        "branches": branches,
        "kept": branch_rows(definition, page_id)[2],
    }
    return _render(request, "page.html", context)


def _question_page(
    request: StaffRequest, service: Service, form: QuestionForm, page: dict, field: dict | None
) -> HttpResponse:
    context = {"service": service, "form": form, "page": page, "question": field}
    return _render(request, "question.html", context)


@designer_required
@require_http_methods(["GET", "POST"])
def form_question_add(request: StaffRequest, slug: str, page_id: str) -> HttpResponse:
    service = _service(slug)
    draft = service_draft(service, actor=request.user)
    definition = draft_definition(draft)
    page = _page_or_404(definition, page_id)
    form = QuestionForm(
        request.POST or None,
        initial={"revision": draft.revision, "answer_type": "text", "required": True},
        earlier=questions_before(definition, page_id),
    )
    if request.method == "POST" and form.is_valid():
        answer = form.answer()
        made = form_edit_save(
            request,
            form,
            service,
            f"added a question to page {page_id}",
            lambda d: question_add(d, page_id, answer=answer),
        )
        if made is not None:
            messages.success(
                request, gettext("Question added: %(label)s") % {"label": answer["label"]}
            )
            return redirect("builder:form_page", service.slug, page_id)
    return _question_page(request, service, form, page, None)


@designer_required
@require_http_methods(["GET", "POST"])
def form_question_edit(request: StaffRequest, slug: str, name: str) -> HttpResponse:
    service = _service(slug)
    draft = service_draft(service, actor=request.user)
    definition = draft_definition(draft)
    try:
        p, q = question_find(definition, name)
    except FormEditRefused:
        raise Http404 from None
    page, field = definition["pages"][p], definition["pages"][p]["fields"][q]
    form = QuestionForm(
        request.POST or None,
        initial={**question_initial(field), "revision": draft.revision},
        earlier=questions_before(definition, page["id"], name),
    )
    if request.method == "POST" and form.is_valid():
        answer = form.answer()
        if (
            form_edit_save(
                request,
                form,
                service,
                f"changed question {name}",
                lambda d: question_edit(d, name, answer=answer),
            )
            is not None
        ):
            messages.success(
                request, gettext("Question saved: %(label)s") % {"label": answer["label"]}
            )
            return redirect("builder:form_page", service.slug, page["id"])
    return _question_page(request, service, form, page, field)


@designer_required
@require_http_methods(["GET", "POST"])
def form_wording(request: StaffRequest, slug: str) -> HttpResponse:
    """The form's title, start page, check-answers and confirmation wording."""
    service = _service(slug)
    draft = service_draft(service, actor=request.user)
    definition = draft_definition(draft)
    check = definition.get("check_answers", {})
    start = definition.get("start", {})
    initial = {
        "revision": draft.revision,
        "title": definition.get("title", ""),
        "title_cy": definition.get("title_cy", ""),
        "start_body": "\n\n".join(start.get("body", [])),
        "start_body_cy": "\n\n".join(start.get("body_cy", [])),
        "check_heading": check.get("heading", ""),
        "check_heading_cy": check.get("heading_cy", ""),
        "check_intro": "\n\n".join(check.get("intro", [])),
        "check_intro_cy": "\n\n".join(check.get("intro_cy", [])),
        "confirmation": "\n\n".join(definition.get("confirmation", [])),
        "confirmation_cy": "\n\n".join(definition.get("confirmation_cy", [])),
    }
    form = WordingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        texts = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        if (
            form_edit_save(
                request,
                form,
                service,
                "changed the form's wording",
                lambda d: wording_set(d, texts=texts),
            )
            is not None
        ):
            messages.success(request, _("Wording saved"))
            return redirect("builder:form", service.slug)
    return _render(request, "wording.html", {"service": service, "form": form})


@designer_required
@require_GET
def form_preview(request: StaffRequest, slug: str) -> HttpResponse:
    """The draft form in a phone-width frame, before anything is published."""
    service = _service(slug)
    return render(request, TEMPLATES + "preview.html", {"service": service})


@designer_required
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})  # type: ignore[arg-type]  # typed for request-only views
def form_preview_frame(request: StaffRequest, slug: str) -> HttpResponse:
    """One step of the preview (framed by form_preview): answers are checked, never kept."""
    service = _service(slug)
    draft = service_draft(service, actor=request.user)
    definition = draft_definition(draft)
    earlier = preview_answers_read(request.GET.get("answers", ""))
    step = preview_step(definition, request.GET.get("page", ""), request.GET, earlier)
    if step.goto:
        url = reverse("builder:form_preview_frame", args=[service.slug])
        query = urlencode({"page": step.goto, "answers": preview_answers_sign(step.answers)})
        return redirect(f"{url}?{query}")
    context = {
        "service": service,
        "definition": definition,
        "step": step,
        "page": step.page,
        "fields": step.fields,
        "errors": step.errors,
        "form_has_errors": bool(step.errors),
        "check": definition.get("check_answers", {}),
        "answers": preview_answers_sign(step.answers) if step.answers else "",
    }
    return render(request, TEMPLATES + "preview_frame.html", context)
