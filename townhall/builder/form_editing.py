"""The form builder's edits of a form definition: pure functions, no database.

Each takes a definition (the `form.definition` of a service file, see eforms/form_schema.json)
and returns a changed copy, or raises FormEditRefused saying what to fix; the caller saves
the copy in the service's draft. Question ids and page ids are made from the text the
designer wrote, unique in the form, and never change afterwards (answers, branches, fee rules
and processes read them). Every text a designer writes has a Welsh sibling (`label_cy`...).
"""

import copy
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.builder.form_questions import (
    FormEditRefused,
    paragraphs,
    question_field,
    refused,
    text_set,
    unique_id,
)
from townhall.eforms.definition import (
    CHECK_ANSWERS,
    CHOICE_TYPES,
    condition_fields,
    slot_question_problems,
)
from townhall.eforms.engine import CONTACT_PAGE

Definition = dict[str, Any]

# Branch tests the builder offers; other conditions are kept as written.
BRANCH_OPS = {"eq": _("is"), "ne": _("is not"), "contains": _("contains")}
RESERVED_PAGE_IDS = {CHECK_ANSWERS, CONTACT_PAGE}
NAME_MAX = 41
PAGE_ID_MAX = 41


def definition_start(title: str) -> Definition:
    """An empty form: a title and no pages yet (it cannot be published until it has one)."""
    return {"title": title.strip()[:120] or "Form", "pages": []}


def _copy(definition: Definition) -> Definition:
    return copy.deepcopy(definition)


def _page_index(definition: Definition, page_id: str) -> int:
    for index, page in enumerate(definition["pages"]):
        if page["id"] == page_id:
            return index
    raise refused(
        "page", gettext("There is no page ‘%(page_id)s’ in this form") % {"page_id": page_id}
    )


def question_find(definition: Definition, name: str) -> tuple[int, int]:
    """(page index, question index) of the question `name`."""
    for p, page in enumerate(definition["pages"]):
        for q, field in enumerate(page["fields"]):
            if field["name"] == name:
                return p, q
    raise refused(
        "question", gettext("There is no question ‘%(name)s’ in this form") % {"name": name}
    )


def _question_names(definition: Definition) -> set[str]:
    return {field["name"] for page in definition["pages"] for field in page["fields"]}


def question_name_make(label: str, taken: set[str]) -> str:
    """A question id from its text ("Is the hedge blocking a path?": is_the_hedge_blocking_a_path),
    unique among `taken`, as the schema wants (a letter first, then a-z, 0-9 and _)."""
    base = slugify(label).replace("-", "_")[:NAME_MAX].strip("_") or "question"
    if not base[0].isalpha():
        base = f"q_{base}"[:NAME_MAX]
    return unique_id(base, taken, NAME_MAX, "_")


def page_id_make(title: str, taken: set[str]) -> str:
    base = slugify(title)[:PAGE_ID_MAX].strip("-") or f"page-{len(taken) + 1}"
    if not base[0].isalpha():
        base = f"page-{base}"[:PAGE_ID_MAX]
    return unique_id(base, taken | RESERVED_PAGE_IDS, PAGE_ID_MAX, "-")


def page_add(
    definition: Definition, *, title: str, title_cy: str = "", after: str | None = None
) -> tuple[Definition, str]:
    """A new empty page (its questions come next), at the end or after page `after`.
    Returns the changed definition and the new page's id."""
    changed = _copy(definition)
    if len(title) > 200 or len(title_cy) > 200:
        raise refused("title", gettext("The page title must be 200 characters or fewer"))
    page_id = page_id_make(title, {p["id"] for p in changed["pages"]})
    page: dict[str, Any] = {"id": page_id, "fields": []}
    text_set(page, "title", title.strip())
    text_set(page, "title_cy", title_cy.strip())
    position = len(changed["pages"]) if after is None else _page_index(changed, after) + 1
    changed["pages"].insert(position, page)
    return changed, page_id


def page_edit(
    definition: Definition,
    page_id: str,
    *,
    title: str,
    title_cy: str = "",
    intro: str = "",
    intro_cy: str = "",
) -> Definition:
    """Change a page's title and introduction (paragraphs separated by a blank line)."""
    changed = _copy(definition)
    page = changed["pages"][_page_index(changed, page_id)]
    errors = {}
    if len(title) > 200 or len(title_cy) > 200:
        errors["title"] = gettext("The page title must be 200 characters or fewer")
    if any(len(p) > 1000 for p in paragraphs(intro) + paragraphs(intro_cy)):
        errors["intro"] = gettext(
            "Each paragraph of the introduction must be 1,000 characters or fewer"
        )
    if errors:
        raise FormEditRefused(errors)
    text_set(page, "title", title.strip())
    text_set(page, "title_cy", title_cy.strip())
    text_set(page, "intro", paragraphs(intro))
    text_set(page, "intro_cy", paragraphs(intro_cy))
    return changed


def _branches_to(definition: Definition, page_id: str) -> list[str]:
    return [
        page["id"]
        for page in definition["pages"]
        if any(branch.get("goto") == page_id for branch in page.get("next", []))
    ]


def _readers_of(definition: Definition, names: set[str]) -> list[str]:
    """Pages whose branches or show-if read any of the questions `names`."""
    readers = []
    for page in definition["pages"]:
        conditions = [b["when"] for b in page.get("next", []) if "when" in b]
        conditions += [page["show_if"]] if page.get("show_if") else []
        if any(set(condition_fields(c)) & names for c in conditions):
            readers.append(page["id"])
    return readers


def page_remove(definition: Definition, page_id: str) -> Definition:
    """Remove a page and its questions; refused while another page branches to it or on
    its answers (change those branches first), so no branch is left pointing at nothing."""
    changed = _copy(definition)
    index = _page_index(changed, page_id)
    page = changed["pages"][index]
    names = {field["name"] for field in page["fields"]}
    goers = [p for p in _branches_to(changed, page_id) if p != page_id]
    readers = [p for p in _readers_of(changed, names) if p != page_id]
    if goers or readers:
        raise refused(
            "page",
            gettext(
                "Page ‘%(page_id)s’ cannot be removed: page %(readers)s branches to it or on its "
                "answers. Change those branches first"
            )
            % {
                "page_id": page.get("title") or page_id,
                "readers": ", ".join(sorted(set(goers + readers))),
            },
        )
    if changed.get("summary_field") in names:
        del changed["summary_field"]
    del changed["pages"][index]
    return changed


def _moved(items: list, index: int, position: int) -> None:
    item = items.pop(index)
    items.insert(max(0, min(position, len(items))), item)


def page_move(definition: Definition, page_id: str, *, position: int) -> Definition:
    """Put a page at `position` (0 first; beyond the end: last)."""
    changed = _copy(definition)
    _moved(changed["pages"], _page_index(changed, page_id), position)
    return changed


def question_add(
    definition: Definition, page_id: str, *, answer: dict[str, Any]
) -> tuple[Definition, str]:
    """Add a question at the end of a page; returns the definition and the question's id."""
    changed = _copy(definition)
    page = changed["pages"][_page_index(changed, page_id)]
    field = question_field(answer)
    field = {"name": question_name_make(field["label"], _question_names(changed)), **field}
    page["fields"].append(field)
    _slot_question_check(changed, field["name"])
    return changed, field["name"]


def question_edit(definition: Definition, name: str, *, answer: dict[str, Any]) -> Definition:
    """Change a question; its id stays (answers and branches read it)."""
    changed = _copy(definition)
    p, q = question_find(changed, name)
    fields = changed["pages"][p]["fields"]
    field = question_field(answer, existing=fields[q])
    fields[q] = {"name": name, **{k: v for k, v in field.items() if k != "name"}}
    _slot_question_check(changed, name)
    return changed


def _slot_question_check(definition: Definition, name: str) -> None:
    """Refuse a slot question the publish checks would refuse (no address question before
    it, or an address or number that is not one asked before it), in their words, on the
    input they are about."""
    p, q = question_find(definition, name)
    field = definition["pages"][p]["fields"][q]
    if field["type"] != "slot":
        return
    asked = [f for page in definition["pages"][:p] for f in page["fields"]]
    kinds = {f["name"]: f["type"] for f in asked + definition["pages"][p]["fields"][: q + 1]}
    errors: dict[str, str] = {}
    for pointer, message in slot_question_problems(field, kinds, ""):
        key = "units_field" if pointer.endswith("/units_field") else "address_field"
        errors[key] = f"{errors[key]} {message}" if key in errors else message
    if errors:
        raise FormEditRefused(errors)


def question_remove(definition: Definition, name: str) -> Definition:
    """Remove a question; refused while a branch reads its answer."""
    changed = _copy(definition)
    p, q = question_find(changed, name)
    readers = _readers_of(changed, {name})
    if readers:
        raise refused(
            "question",
            gettext(
                "Question ‘%(label)s’ cannot be removed: page %(readers)s branches on its answer. "
                "Change that branch first"
            )
            % {"label": changed["pages"][p]["fields"][q]["label"], "readers": ", ".join(readers)},
        )
    if changed.get("summary_field") == name:
        del changed["summary_field"]
    del changed["pages"][p]["fields"][q]
    return changed


def question_move(
    definition: Definition, name: str, *, position: int, page_id: str | None = None
) -> Definition:
    """Put a question at `position` on its page, or on page `page_id` (moving it there)."""
    changed = _copy(definition)
    p, q = question_find(changed, name)
    target = p if page_id is None else _page_index(changed, page_id)
    field = changed["pages"][p]["fields"].pop(q)
    fields = changed["pages"][target]["fields"]
    fields.insert(max(0, min(position, len(fields))), field)
    return changed


def branch_is_simple(branch: dict) -> bool:
    """Whether the builder's rows can show the branch: "if <question> is/is not/contains
    <value> go to <page>", or a plain "otherwise go to"."""
    when = branch.get("when")
    return when is None or ("field" in when and when.get("op") in BRANCH_OPS)


def _asked_by(definition: Definition, page_id: str) -> dict[str, dict]:
    """The questions asked on page `page_id` and before it: those a branch may read."""
    asked: dict[str, dict] = {}
    for page in definition["pages"]:
        asked.update({field["name"]: field for field in page["fields"]})
        if page["id"] == page_id:
            break
    return asked


def _branch_value(field: dict, op: str, text: str) -> tuple[Any, str]:
    """The value a branch compares with: an option's value for choice questions (the
    designer may type its label), a number for numbers. Returns (value, error)."""
    text = text.strip()
    if not text:
        return None, gettext("Enter the answer the branch looks for")
    label = field["label"]
    if field["type"] == "yesno":
        value = text.lower()
        return (
            (value, "")
            if value in ("yes", "no")
            else (None, gettext("‘%(label)s’ is yes or no") % {"label": label})
        )
    if field["type"] in CHOICE_TYPES:
        for option in field.get("options", []):
            if text.lower() in (option["value"].lower(), option["label"].lower()):
                return option["value"], ""
        return None, gettext("‘%(text)s’ is not one of the options of ‘%(label)s’") % {
            "text": text,
            "label": label,
        }
    if field["type"] == "number" and op != "contains":
        try:
            number = float(text)
        except ValueError:
            return None, f"‘{label}’ is a number: enter a number, like 3"
        return (int(number) if number.is_integer() else number), ""
    return text[:200], ""


def branches_set(
    definition: Definition, page_id: str, *, rules: list[dict[str, str]], otherwise: str = ""
) -> Definition:
    """Set where a page goes next. `rules` are tried in order, each {question, op, value,
    goto}: "if <question> is / is not / contains <value> go to <page>" (a page id, or
    'check' for check answers); then `otherwise` ('' is the next page in order).
    Conditions the builder cannot show are kept as they were, after the rules.
    Errors are keyed `rule-<n>` (n from 1) and `otherwise`."""
    changed = _copy(definition)
    page = changed["pages"][_page_index(changed, page_id)]
    targets = {p["id"] for p in changed["pages"]} | {CHECK_ANSWERS}
    targets |= {OUTCOME_TARGET + o["id"] for o in changed.get("outcomes", [])}
    asked = _asked_by(changed, page_id)
    errors: dict[str, str] = {}
    branches: list[dict[str, Any]] = []
    for n, rule in enumerate(rules, start=1):
        key = f"rule-{n}"
        name, op, goto = rule.get("question", ""), rule.get("op", "eq"), rule.get("goto", "")
        if not (name or goto or rule.get("value")):
            continue
        if name not in asked:
            errors[key] = gettext(
                "Branch %(n)s: choose a question asked on this page or before it"
            ) % {"n": n}
        elif op not in BRANCH_OPS:
            errors[key] = gettext("Branch %(n)s: choose is, is not or contains") % {"n": n}
        elif goto not in targets or goto == page_id:
            errors[key] = gettext("Branch %(n)s: choose another page to go to") % {"n": n}
        else:
            value, problem = _branch_value(asked[name], op, rule.get("value", ""))
            if problem:
                errors[key] = f"Branch {n}: {problem}"
            branches.append({"when": {"field": name, "op": op, "value": value}, **_to(goto)})
    branches += [b for b in page.get("next", []) if not branch_is_simple(b)]
    if otherwise:
        if otherwise not in targets or otherwise == page_id:
            errors["otherwise"] = gettext("Choose another page to go to otherwise")
        branches.append(_to(otherwise))
    if errors:
        raise FormEditRefused(errors)
    text_set(page, "next", branches)
    return changed


# A branch's target as the builder's choices name it: a page id, 'check', or an outcome
# (`outcome:<id>`: the journey ends there, issue 16 point 2).
OUTCOME_TARGET = "outcome:"


def _to(target: str) -> dict[str, str]:
    if target.startswith(OUTCOME_TARGET):
        return {"outcome": target.removeprefix(OUTCOME_TARGET)}
    return {"goto": target}


def branch_target(branch: dict) -> str:
    """Where a branch leads, as the builder's choices name it."""
    if "outcome" in branch:
        return OUTCOME_TARGET + branch["outcome"]
    return branch["goto"]


def branch_rows(definition: Definition, page_id: str) -> tuple[list[dict], str, list[dict]]:
    """A page's branches as the builder shows them: (rules as {question, op, value, goto},
    the 'otherwise' target or '', the branches kept as written)."""
    page = definition["pages"][_page_index(definition, page_id)]
    fields = _asked_by(definition, page_id)
    rules, otherwise, kept = [], "", []
    for branch in page.get("next", []):
        when = branch.get("when")
        if when is None:
            otherwise = branch_target(branch)
        elif branch_is_simple(branch):
            value = when.get("value")
            labels = {
                o["value"]: o["label"] for o in fields.get(when["field"], {}).get("options", [])
            }
            rules.append(
                {
                    "question": when["field"],
                    "op": when["op"],
                    "value": labels.get(value, "" if value is None else str(value)),
                    "goto": branch_target(branch),
                }
            )
        else:
            kept.append(branch)
    return rules, otherwise, kept


def wording_set(definition: Definition, *, texts: dict[str, str]) -> Definition:
    """The form's own wording, each in English and Welsh (`<key>` and `<key>_cy`): its
    title, the start page, the check-answers page and the confirmation. Paragraphs are
    separated by a blank line."""
    changed = _copy(definition)
    title = (texts.get("title") or "").strip()
    errors = {}
    if not title:
        errors["title"] = gettext("Enter the form's title")
    elif len(title) > 120 or len(texts.get("title_cy") or "") > 120:
        errors["title"] = gettext("The title must be 120 characters or fewer")
    for key, limit in (("start_body", 2000), ("confirmation", 1000), ("check_intro", 1000)):
        if any(
            len(p) > limit for lang in ("", "_cy") for p in paragraphs(texts.get(key + lang, ""))
        ):
            errors[key] = gettext("Each paragraph must be %(limit)s characters or fewer") % {
                "limit": f"{limit:,}"
            }
    if (
        len(texts.get("check_heading") or "") > 200
        or len(texts.get("check_heading_cy") or "") > 200
    ):
        errors["check_heading"] = gettext("The heading must be 200 characters or fewer")
    if errors:
        raise FormEditRefused(errors)
    changed["title"] = title
    text_set(changed, "title_cy", (texts.get("title_cy") or "").strip())
    start = changed.get("start", {})
    text_set(start, "body", paragraphs(texts.get("start_body", "")))
    text_set(start, "body_cy", paragraphs(texts.get("start_body_cy", "")))
    text_set(changed, "start", start)
    check: dict[str, Any] = {}
    for key in ("heading", "heading_cy"):
        text_set(check, key, (texts.get(f"check_{key}") or "").strip())
    for key in ("intro", "intro_cy"):
        text_set(check, key, paragraphs(texts.get(f"check_{key}", "")))
    text_set(changed, "check_answers", check)
    text_set(changed, "confirmation", paragraphs(texts.get("confirmation", "")))
    text_set(changed, "confirmation_cy", paragraphs(texts.get("confirmation_cy", "")))
    return changed
