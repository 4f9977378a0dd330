"""What the form builder's pages show, read from a draft's form definition: the list of
pages with their questions and branches in words, a page's branch rows, a question's values."""

from typing import Any

from django.utils.translation import gettext as _

from townhall.builder.drafts import DraftConflict
from townhall.builder.form_drafts import FormEdit, form_draft_edit
from townhall.builder.form_editing import (
    BRANCH_OPS,
    OUTCOME_TARGET,
    branch_rows,
    branch_target,
)
from townhall.builder.form_outcomes import outcome_uses
from townhall.builder.form_questions import (
    ANSWER_TYPE_LABELS,
    FormEditRefused,
    question_answer_type,
)
from townhall.catalogue.models import Service
from townhall.desk.access import StaffRequest
from townhall.desk.form_builder_forms import EMPTY_BRANCH_ROWS, BranchesForm, DraftForm
from townhall.eforms.definition import (
    CHECK_ANSWERS,
    definition_errors,
    definition_schema_errors,
    eligibility_errors,
)


def page_name(number: int, page: dict) -> str:
    name = page.get("title") or (page["fields"] or [{}])[0].get("label", "")
    return _("Page %(number)s: %(name)s") % {"number": number, "name": name}


def questions_shown(page: dict) -> list[dict[str, Any]]:
    return [
        {"field": f, "type": ANSWER_TYPE_LABELS.get(question_answer_type(f), f["type"])}
        for f in page["fields"]
    ]


def branch_targets(definition: dict) -> list[tuple[str, str]]:
    """Where a branch may lead, by the builder's choice value: each page, check answers, and
    each outcome (the journey ends there)."""
    return (
        [(p["id"], page_name(n, p)) for n, p in enumerate(definition["pages"], start=1)]
        + [(CHECK_ANSWERS, _("Check answers"))]
        + [
            (OUTCOME_TARGET + o["id"], _("End: %(title)s") % {"title": o["title"]})
            for o in definition.get("outcomes", [])
        ]
    )


def branches_in_words(definition: dict, page: dict) -> list[str]:
    """A page's branches as sentences: If ‘Is it blocking a path?’ is No, go to Check answers."""
    names = dict(branch_targets(definition))
    rules, otherwise, kept = branch_rows(definition, page["id"])
    labels = {f["name"]: f["label"] for p in definition["pages"] for f in p["fields"]}
    words = [
        _("If ‘%(question)s’ %(op)s %(value)s, go to %(target)s")
        % {
            "question": labels.get(r["question"], r["question"]),
            "op": BRANCH_OPS[r["op"]],
            "value": r["value"],
            "target": names.get(r["goto"], r["goto"]),
        }
        for r in rules
    ]
    words += [
        _("On a condition kept as written, go to %(target)s")
        % {"target": names.get(branch_target(b), branch_target(b))}
        for b in kept
    ]
    if otherwise:
        words.append(_("Otherwise go to %(target)s") % {"target": names.get(otherwise, otherwise)})
    return words


def list_context(service: Service, draft: Any, definition: dict) -> dict[str, Any]:
    pages = []
    for number, page in enumerate(definition["pages"], start=1):
        pages.append(
            {
                "page": page,
                "name": page_name(number, page),
                "questions": questions_shown(page),
                "branches": branches_in_words(definition, page),
            }
        )
    eligibility = (draft.data.get("kind") or service.kind) == Service.Kind.ELIGIBILITY
    problems = definition_errors(definition) if definition["pages"] else []
    if eligibility and definition["pages"] and not definition_schema_errors(definition):
        problems += [_in_words(reason) for reason in eligibility_errors(definition)]
    return {
        "service": service,
        "revision": draft.revision,
        "definition": definition,
        "pages": pages,
        "outcomes": outcomes_shown(definition),
        "eligibility": eligibility,
        "problems": problems,
    }


def outcomes_shown(definition: dict) -> list[dict[str, Any]]:
    """The form's outcomes, each with the pages whose branches end on it."""
    return [
        {
            "outcome": outcome,
            "uses": [page_name(n, page) for n, page in outcome_uses(definition, outcome["id"])],
        }
        for outcome in definition.get("outcomes", [])
    ]


def _in_words(reason: str) -> str:
    """An eligibility reason ("/pages/2/next: the last page...") with its place in words
    ("Page 3: the last page...")."""
    where, _sep, message = reason.partition(": ")
    parts = where.strip("/").split("/")
    if parts[0] == "pages" and len(parts) > 1 and parts[1].isdigit():
        place = _("Page %(number)s") % {"number": int(parts[1]) + 1}
    else:
        place = {"outcomes": _("Outcomes"), "contact": _("Contact details")}.get(
            parts[0], _("The form")
        )
    message = message.replace(
        "(a branch with `outcome` and no `when`)", _("(set its ‘Otherwise go to’ to an outcome)")
    )
    return f"{place}: {message}"


def branches_form(definition: dict, page_id: str, data: Any, revision: int) -> BranchesForm:
    index = [p["id"] for p in definition["pages"]].index(page_id)
    questions = [
        (f["name"], f["label"]) for p in definition["pages"][: index + 1] for f in p["fields"]
    ]
    targets = [(key, name) for key, name in branch_targets(definition) if key != page_id]
    rules, otherwise, _ = branch_rows(definition, page_id)
    initial: dict[str, Any] = {"revision": revision, "otherwise": otherwise}
    for n, rule in enumerate(rules, start=1):
        initial.update({f"rule-{n}-{key}": value for key, value in rule.items()})
    return BranchesForm(
        data,
        initial=initial,
        questions=questions,
        targets=targets,
        rows=len(rules) + EMPTY_BRANCH_ROWS,
        prefix=None,
    )


def questions_before(definition: dict, page_id: str, name: str = "") -> list[dict]:
    """The questions asked before question `name` of page `page_id` (before the end of the
    page when no name: a question added there)."""
    before: list[dict] = []
    for page in definition["pages"]:
        for field in page["fields"]:
            if page["id"] == page_id and field["name"] == name:
                return before
            before.append(field)
        if page["id"] == page_id:
            return before
    return before


def question_initial(field: dict) -> dict[str, Any]:
    initial = {k: v for k, v in field.items() if not isinstance(v, list | dict)}
    initial["answer_type"] = question_answer_type(field)
    initial["date_range"] = field.get("date_range", "any")
    options = field.get("options", [])
    initial["options"] = "\n".join(o["label"] for o in options)
    initial["options_cy"] = "\n".join(o.get("label_cy", "") for o in options).rstrip("\n")
    return initial


def form_edit_save(
    request: StaffRequest, form: DraftForm, service: Service, change: str, edit: FormEdit
) -> str | None:
    """Save one form-builder edit through `form_draft_edit`; on refusal or conflict put the
    reasons on `form` (the designer's typed values stay) and return None, else the id the
    edit made ("" if none). Every form-builder page saves this way."""
    try:
        _, made = form_draft_edit(
            service=service,
            revision=form.draft_revision(),
            actor=request.user,
            change=change,
            edit=edit,
        )
    except FormEditRefused as refused:
        form.refused(refused)
        return None
    except DraftConflict as conflict:
        form.conflicted(str(conflict), conflict.draft.revision)
        return None
    return made
