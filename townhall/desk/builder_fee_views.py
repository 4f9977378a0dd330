"""The fees page of the service builder (issue 16 point 5): the draft's fee rules as a table,
added, changed, removed and put in order, and a "Try it" box that works the fee out on the
server for answers typed in. Each change is one call to builder.drafts.service_fee_rules_set
with the draft revision the page was read at: when a colleague saved first, the page comes
back with what the designer typed and says who."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.builder.drafts import (
    DraftConflict,
    ServiceRefused,
    service_draft,
    service_fee_rules_set,
)
from townhall.builder.fee_editing import (
    KIND_HINTS,
    KINDS,
    FeeEditRefused,
    fee_rule_add,
    fee_rule_make,
    fee_rule_move,
    fee_rule_remove,
    fee_rule_replace,
    fee_rule_summary,
    fee_rule_values,
    fee_rules_fields,
    pounds_text,
    simple_condition,
    try_answers,
)
from townhall.builder.models import ServiceDraft
from townhall.builder.selectors import ServiceNotExportable
from townhall.catalogue.models import Service
from townhall.desk.access import StaffRequest, designer_required
from townhall.desk.builder_fee_forms import FeeKindForm, FeeRuleForm, FeeTryForm
from townhall.desk.form_builder_forms import DraftForm
from townhall.eforms.fees import FeeQuote, fee_rules_problems, fee_work_out

TEMPLATES = "desk/builder/fees/"


def _draft(request: StaffRequest, slug: str) -> tuple[Service, ServiceDraft, dict[str, Any] | None]:
    service = get_object_or_404(Service, slug=slug)
    draft = service_draft(service, actor=request.user)
    return service, draft, (draft.data.get("form") or {}).get("definition")


def _editable(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A service whose live form or process cannot start a draft is sent back to its page,
    told why (as the settings page does)."""

    @wraps(view)
    def wrapped(request: StaffRequest, slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, slug, *args, **kwargs)
        except ServiceNotExportable as error:
            messages.error(
                request, gettext("The service cannot be edited here: %(error)s") % {"error": error}
            )
            return redirect("builder:service", slug)

    return wrapped


def _rules(draft: ServiceDraft) -> list[dict[str, Any]]:
    return list(draft.data.get("fee_rules") or [])


def _problem_links(problems: list[str]) -> list[tuple[str, str]]:
    """(element id, reason) for each problem: the row of the rule it names."""
    links = []
    for problem in problems:
        parts = problem.split("/")
        number = int(parts[2]) + 1 if len(parts) > 2 and parts[2].isdigit() else 0
        links.append((f"rule-{number}" if number else "rules", problem))
    return links


def _quote_rows(quote: FeeQuote) -> dict[str, Any]:
    """The lines and total as the page shows them (a discount as "−£5.00")."""

    def money(pence: int) -> str:
        return f"{'−' if pence < 0 else ''}£{pounds_text(abs(pence))}"

    return {
        "lines": [(line.label, money(line.pence)) for line in quote.lines],
        "total": money(quote.total_pence),
    }


@designer_required
@require_GET
@_editable
def service_fees(request: StaffRequest, slug: str) -> HttpResponse:
    service, draft, definition = _draft(request, slug)
    rules = _rules(draft)
    problems = fee_rules_problems(rules, definition)
    read = set(fee_rules_fields(rules))
    questions = [
        q
        for page in (definition or {}).get("pages", [])
        for q in page.get("fields", [])
        if q["name"] in read
    ]
    tried = FeeTryForm(request.GET if "try" in request.GET else None, questions=questions)
    quote = None
    if tried.is_bound and tried.is_valid() and not problems:
        quote = fee_work_out(rules, try_answers(definition, tried.typed()), definition)
    rows = [
        {
            "number": number,
            "rule": rule,
            "kind": KINDS.get(rule.get("kind", ""), rule.get("kind", "")),
            "charges": fee_rule_summary(rule, definition) if not problems else "",
        }
        for number, rule in enumerate(rules, start=1)
    ]
    context = {
        "service": service,
        "rows": rows,
        "revision": draft.revision,
        "problems": _problem_links(problems),
        "tried": tried,
        "quote": _quote_rows(quote) if quote is not None else None,
        "flat_fee": draft.data.get("fee_pence"),
    }
    return render(request, TEMPLATES + "fees.html", context)


def _save(
    request: StaffRequest, form: DraftForm, service: Service, rules: list[dict], change: str
) -> bool:
    """Save the rules; on refusal or conflict put the reasons on `form`, return False."""
    try:
        service_fee_rules_set(
            service=service,
            rules=rules,
            revision=form.draft_revision(),
            actor=request.user,
            change=change,
        )
    except ServiceRefused as refused:
        for reason in refused.reasons:
            form.add_error(None, reason)
        return False
    except DraftConflict as conflict:
        form.conflicted(str(conflict), conflict.draft.revision)
        return False
    return True


def _rule_page(
    request: StaffRequest, service: Service, form: FeeRuleForm, number: int | None
) -> HttpResponse:
    context = {
        "service": service,
        "form": form,
        "number": number,
        "kind_label": KINDS[form.kind],
        "kind_hint": KIND_HINTS[form.kind],
        "shown": set(form.fields),
        "form_has_errors": bool(form.is_bound and form.errors),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, TEMPLATES + "rule.html", context, status=status)


@designer_required
@require_http_methods(["GET", "POST"])
@_editable
def service_fee_add(request: StaffRequest, slug: str) -> HttpResponse:
    """Add a rule: first what it charges (radios, a GET form), then its fields."""
    service, draft, definition = _draft(request, slug)
    kind = request.POST.get("kind") or request.GET.get("kind", "")
    if kind not in KINDS:
        asked = "kind" in request.GET or "choose" in request.GET
        chosen = FeeKindForm(request.GET if asked else None)
        chosen.is_valid()
        failed = chosen.is_bound and bool(chosen.errors)
        context = {
            "service": service,
            "form": chosen,
            "hints": KIND_HINTS,
            "form_has_errors": failed,
        }
        return render(request, TEMPLATES + "kind.html", context, status=400 if failed else 200)
    form = FeeRuleForm(
        request.POST if request.method == "POST" else None,
        initial={"revision": draft.revision},
        kind=kind,
        definition=definition,
    )
    if request.method == "POST" and form.is_valid():
        try:
            rule = fee_rule_make(kind, form.values(), definition)
        except FeeEditRefused as refused:
            form.refused(refused)
        else:
            if _save(request, form, service, fee_rule_add(_rules(draft), rule), "added a rule"):
                messages.success(
                    request, gettext("Fee rule added: %(label)s") % {"label": rule["label"]}
                )
                return redirect("builder:service_fees", service.slug)
    return _rule_page(request, service, form, None)


@designer_required
@require_http_methods(["GET", "POST"])
@_editable
def service_fee_edit(request: StaffRequest, slug: str, number: int) -> HttpResponse:
    service, draft, definition = _draft(request, slug)
    rules = _rules(draft)
    if not 1 <= number <= len(rules):
        raise Http404
    rule = rules[number - 1]
    values = fee_rule_values(rule)
    form = FeeRuleForm(
        request.POST if request.method == "POST" else None,
        initial={**FeeRuleForm.initial_from(values, definition), "revision": draft.revision},
        kind=rule["kind"],
        definition=definition,
    )
    kept = rule.get("when") if simple_condition(rule.get("when")) is None else None
    if request.method == "POST" and form.is_valid():
        try:
            changed = fee_rule_make(rule["kind"], form.values(), definition, kept_when=kept)
            rules = fee_rule_replace(rules, number - 1, changed)
        except FeeEditRefused as refused:
            form.refused(refused)
        else:
            if _save(request, form, service, rules, f"changed rule {number}"):
                messages.success(
                    request, gettext("Fee rule saved: %(label)s") % {"label": changed["label"]}
                )
                return redirect("builder:service_fees", service.slug)
    form.kept_when = kept  # type: ignore[attr-defined]
    return _rule_page(request, service, form, number)


@designer_required
@require_POST
@_editable
def service_fee_change(request: StaffRequest, slug: str) -> HttpResponse:
    """Move a rule up or down, or remove it; then back to the table."""
    service, draft, _ = _draft(request, slug)
    form = DraftForm(request.POST)
    form.is_valid()
    action, number = request.POST.get("action", ""), request.POST.get("number", "")
    if action not in ("up", "down", "remove") or not number.isdigit():
        raise Http404
    index = int(number) - 1
    try:
        if action == "remove":
            rules = fee_rule_remove(_rules(draft), index)
        else:
            rules = fee_rule_move(_rules(draft), index, action)
    except FeeEditRefused as refused:
        messages.error(request, str(refused))
        return redirect("builder:service_fees", service.slug)
    change = f"removed rule {number}" if action == "remove" else f"moved rule {number} {action}"
    try:
        service_fee_rules_set(
            service=service,
            rules=rules,
            revision=form.draft_revision(),
            actor=request.user,
            change=change,
        )
    except (ServiceRefused, DraftConflict) as error:
        messages.error(
            request,
            gettext("%(error)s Nothing was changed: this is the table as it is now.")
            % {"error": error},
        )
    else:
        if action == "remove":
            messages.success(request, gettext("Fee rule %(number)s removed") % {"number": number})
    return redirect("builder:service_fees", service.slug)
