"""The route a person takes through a form, given their answers so far."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from townhall.eforms.conditions import condition_holds
from townhall.eforms.definition import CHECK_ANSWERS
from townhall.eforms.lookups import page_lookup_outputs

CONTACT_PAGE = "your-details"
# What next_page_id says when the answers end the journey on one of the form's outcomes (not
# a page id: page ids cannot start with "@"). `FormFlow.outcome` says which.
OUTCOME_REACHED = "@outcome"
# Lazy texts, made plain strings in the page's language by `contact_fields()`.
CONTACT_FIELDS: list[dict[str, Any]] = [
    {
        "name": "contact_name",
        "type": "text",
        "label": gettext_lazy("Full name"),
        "required": True,
        "max_length": 150,
        "prefill": "full_name",
        "autocomplete": "name",
    },
    {
        "name": "contact_email",
        "type": "email",
        "label": gettext_lazy("Email address"),
        "required": True,
        "hint": gettext_lazy("We will send your reference number and updates to this address."),
        "prefill": "email",
        "autocomplete": "email",
    },
    {
        "name": "contact_phone",
        "type": "phone",
        "label": gettext_lazy("UK phone number (optional)"),
        "hint": gettext_lazy("For example, 07700 900 982. We only call if we need more details."),
        "prefill": "phone",
        "autocomplete": "tel",
    },
]


def contact_fields() -> list[dict[str, Any]]:
    """The guest's contact questions, their texts in the page's language."""
    return [
        {key: str(value) if key in ("label", "hint") else value for key, value in field.items()}
        for field in CONTACT_FIELDS
    ]


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    fields: list[dict]
    intro: list[str]
    show_if: dict | None
    next: list[dict]
    lookup: dict | None = None

    @property
    def heading_field(self) -> dict | None:
        """A page with one question uses that question as its heading (GOV.UK pattern)."""
        if len(self.fields) == 1 and not self.title:
            return self.fields[0]
        return None

    @property
    def heading(self) -> str:
        return self.title or self.fields[0]["label"]


class FormFlow:
    def __init__(self, definition: dict, ask_contact: bool):
        self.definition = definition
        self.pages = [
            Page(
                id=p["id"],
                title=p.get("title", ""),
                fields=p["fields"],
                intro=p.get("intro", []),
                show_if=p.get("show_if"),
                next=p.get("next", []),
                lookup=p.get("lookup"),
            )
            for p in definition["pages"]
        ]
        if ask_contact and definition.get("contact"):
            self.pages.append(
                Page(
                    id=CONTACT_PAGE,
                    title=gettext("Your details"),
                    fields=contact_fields(),
                    intro=[],
                    show_if=None,
                    next=[],
                )
            )
        self._index = {page.id: i for i, page in enumerate(self.pages)}
        self.fields = {f["name"]: f for page in self.pages for f in page.fields}
        self.outcomes = {o["id"]: o for o in definition.get("outcomes", [])}

    def page(self, page_id: str) -> Page | None:
        index = self._index.get(page_id)
        return None if index is None else self.pages[index]

    def first_page_id(self, answers: dict) -> str:
        return self._following(-1, answers)

    def _following(self, index: int, answers: dict) -> str:
        for page in self.pages[index + 1 :]:
            if page.show_if is None or condition_holds(page.show_if, answers):
                return page.id
        return CHECK_ANSWERS

    def _branch(self, page: Page, answers: dict) -> dict | None:
        """The first of the page's branches whose condition holds, if any."""
        for branch in page.next:
            if "when" not in branch or condition_holds(branch["when"], answers):
                return branch
        return None

    def next_page_id(self, page_id: str, answers: dict) -> str:
        """The page after `page_id`, CHECK_ANSWERS, or OUTCOME_REACHED."""
        page = self.pages[self._index[page_id]]
        branch = self._branch(page, answers)
        if branch is None:
            return self._following(self._index[page_id], answers)
        if "outcome" in branch:
            return OUTCOME_REACHED
        target = branch["goto"]
        # Guests still give contact details before checking answers.
        if (
            target == CHECK_ANSWERS
            and self.pages[-1].id == CONTACT_PAGE
            and page_id != CONTACT_PAGE
        ):
            return CONTACT_PAGE
        return target

    def outcome(self, answers: dict) -> dict | None:
        """The outcome the answers end the journey on (every page on the route answered and
        the last one's branch an outcome); None while the journey goes on to a page or to
        check answers."""
        route = self.route(answers)
        if not route or not self.page_answered(route[-1], answers):
            return None
        branch = self._branch(route[-1], answers)
        if branch is None or "outcome" not in branch:
            return None
        return self.outcomes.get(branch["outcome"])

    def route(self, answers: dict) -> list[Page]:
        """Pages on the person's path given their answers, up to the first unanswered one."""
        visited: list[Page] = []
        page_id = self.first_page_id(answers)
        guard = 0
        while page_id not in (CHECK_ANSWERS, OUTCOME_REACHED) and guard <= len(self.pages):
            page = self.pages[self._index[page_id]]
            visited.append(page)
            if not self.page_answered(page, answers):
                break
            page_id = self.next_page_id(page_id, answers)
            guard += 1
        return visited

    def page_answered(self, page: Page, answers: dict) -> bool:
        return all(f["name"] in answers for f in page.fields)

    def is_complete(self, answers: dict) -> bool:
        route = self.route(answers)
        return (
            not route
            or self.page_answered(route[-1], answers)
            and (self.next_page_id(route[-1].id, answers) == CHECK_ANSWERS)
        )

    def next_unanswered_page_id(self, answers: dict) -> str:
        """The first page still to answer; CHECK_ANSWERS once all are. A route ending on an
        outcome gives its last page, whose answer leads there (never a check-answers page
        that would send the person back)."""
        route = self.route(answers)
        if route and not self.page_answered(route[-1], answers):
            return route[-1].id
        if route and self.next_page_id(route[-1].id, answers) == OUTCOME_REACHED:
            return route[-1].id
        return CHECK_ANSWERS

    def answers_on_route(self, answers: dict) -> dict:
        """Answers to pages the person no longer passes through are dropped before submitting."""
        names = {f["name"] for page in self.route(answers) for f in page.fields}
        names |= set(self.lookup_values(answers))
        return {k: v for k, v in answers.items() if k in names}

    def lookup_values(self, answers: dict) -> dict:
        """What the lookups of pages on the route found (kept with the answers, shown in
        texts as `{name}`)."""
        names = [
            name
            for page in self.route(answers)
            if page.lookup
            for name in page_lookup_outputs({"lookup": page.lookup})
        ]
        return {name: answers[name] for name in names if name in answers}
