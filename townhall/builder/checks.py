"""The checks a service must pass before it is published, imported or shown as publishable
in the builder: every reason, each naming its place in the service file
(`/form/definition/pages/3: ...`) in words a service designer understands.

Pure functions over the file's data: `service_data_import` runs them inside its transaction
together with the checks that need the database (teams, unique names), and gives them the
form Open311 clients know now (`offered`) to compare with.

- the form's schema and meaning (`eforms.definition`): duplicate page and question ids,
  branches to pages that are gone, conditions on answers not asked yet;
- pages no route reaches: from the start, following each page's branches and the order of
  pages (a page shown only on some answers is reachable);
- answers the process or its decision tables read that the form does not ask;
- Open311 attributes without a question: a question clients of the service's Open311 code
  answer today that the new form no longer asks;
- the permit rules (`permit`): the number prefix's format, the period, the reminder within
  it, the refund rule's months and admin fee, and the answers the scheme reads.
"""

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext, gettext_lazy, ngettext

from townhall.builder.exchange import FORM_POINTER as FORM
from townhall.builder.exchange import MAX_REASONS, form_schema_reasons, permit_defaults
from townhall.eforms.attributes import attribute_questions
from townhall.eforms.definition import (
    definition_problems,
    definition_schema_errors,
    pages_unreachable,
)
from townhall.eforms.fees import fee_rules_problems
from townhall.permits.numbers import PREFIX_PATTERN
from townhall.workflow.library import library_process
from townhall.workflow.reads import process_definition_read_places


def form_problems(definition: Any) -> list[str]:
    """The form definition's own problems: its schema first (a definition of the wrong shape
    cannot be read further), then its meaning and the pages no route reaches."""
    schema_reasons = form_schema_reasons(definition)
    if schema_reasons:
        return schema_reasons[:MAX_REASONS]
    problems = definition_problems(definition)
    reasons = [f"{FORM}{where}: {message}" for where, message in problems]
    pages = definition["pages"]
    if len({page["id"] for page in pages}) == len(pages):
        for index in pages_unreachable(pages):
            reasons.append(
                gettext(
                    "%(form)s/pages/%(index)s: no route through the form reaches page '%(id)s' (no "
                    "branch goes to it, and no page a route reaches before it leads on to it)"
                )
                % {"form": FORM, "index": index, "id": pages[index]["id"]}
            )
    return reasons


def _questions(definition: dict) -> set[str]:
    return {field["name"] for page in definition["pages"] for field in page["fields"]}


def process_problems(definition: dict, process: dict[str, Any]) -> list[str]:
    """Answers the process (its conditions, scripts, task properties) or its decision tables
    read that the form does not ask: a case would stop at that step with an error."""
    if "library" in process:
        found = library_process(process["library"])
        if found is None:
            return []  # refused by its own reason (/process/library)
        _, bpmn, dmns = found
    else:
        bpmn, dmns = process["bpmn"], list(process.get("dmn", []))
    asked = _questions(definition)
    return [
        ngettext(
            "/process: %(places)s reads the answer '%(name)s', which the form does not ask "
            "(add a question with the id '%(name)s', or change the process)",
            "/process: %(places)s read the answer '%(name)s', which the form does not ask "
            "(add a question with the id '%(name)s', or change the process)",
            len(places),
        )
        % {"places": gettext(" and ").join(places), "name": name}
        for name, places in process_definition_read_places(bpmn, dmns).items()
        if name not in asked
    ]


def open311_problems(
    definition: dict | None, *, open311_code: str, offered: dict | None
) -> list[str]:
    """Open311 attributes without a question. `offered` is the form definition clients of
    `open311_code` read their attributes from now (None: the service is not offered on
    Open311 yet, or under another code, so no client answers any). An attribute whose
    question the new form drops, or asks in a way Open311 cannot carry, would make every
    client that sends it refused ("unknown attribute")."""
    if not open311_code or offered is None:
        return []
    now = {field["name"]: field for _, field, _ in attribute_questions(definition or {})}
    return [
        gettext(
            "/open311_code: Open311 clients answer the question '%(name)s' (%(label)s) as an "
            "attribute of service code '%(open311_code)s', and the form no longer asks it as a "
            "question they can answer: keep the question, or give the service a new Open311 code "
            "so that clients read its new questions"
        )
        % {"name": field["name"], "label": repr(field["label"]), "open311_code": open311_code}
        for _, field, _ in attribute_questions(offered)
        if field["name"] not in now
    ]


def service_data_problems(
    data: dict[str, Any], *, offered: dict | None = None, form_reasons: list[str] | None = None
) -> list[str]:
    """Every reason the service file's data (checked against the file's schema, defaults
    set) cannot be published, from its form, its process and its Open311 attributes; empty
    when none. Fee rules are checked against the form (`eforms.fees`). `offered`: the form
    definition its Open311 clients answer now (see `open311_problems`). `form_reasons`: the
    form's own problems when the caller has already worked them out (`form_problems`)."""
    form = data.get("form")
    if form is None:
        # A published service without a form is refused by its own reason (/form).
        return fee_rules_problems(data.get("fee_rules", []), None) + permit_problems(data, None)
    definition = form["definition"]
    reasons = form_problems(definition) if form_reasons is None else list(form_reasons)
    if definition_schema_errors(definition):
        # The other checks read the form's shape, which this one has not got.
        return reasons + permit_problems(data, None)
    sound = not reasons
    if sound:
        # The rules read the form's questions: checked once the form itself is sound.
        reasons += fee_rules_problems(data.get("fee_rules", []), definition)
    if data.get("process") is not None:
        reasons += process_problems(definition, data["process"])
    reasons += open311_problems(
        definition, open311_code=data.get("open311_code", ""), offered=offered
    )
    reasons += permit_problems(data, definition if sound else None)
    return reasons


MAX_PERIOD_MONTHS = 36


@lru_cache(maxsize=MAX_PERIOD_MONTHS)
def shortest_period_days(months: int) -> int:
    """The fewest days a period of `months` months can have, whatever day it starts (a
    month from 31 January ends on 28 or 29 February)."""
    first = date(2024, 1, 1)  # four years of starts cover every length a leap year makes
    return min(
        ((start + relativedelta(months=months)) - start).days
        for start in (first + timedelta(days=n) for n in range(4 * 366))
    )


def permit_problems(data: dict[str, Any], definition: dict | None) -> list[str]:
    """Why the service's permit rules (`permit`, shaped by the schema) cannot be published:
    the rules themselves (`permit_rules_problems`), a service that cannot sell them (not a
    request, no form, no fee) and, given a sound form's `definition`, the answers the scheme
    reads that the form does not ask. Empty when the service sells no permits."""
    permit = data.get("permit")
    if permit is None:
        return []
    permit = {**permit_defaults(), **permit}
    reasons = permit_rules_problems(permit, reference_prefix=data.get("reference_prefix", ""))
    if data.get("kind", "request") != "request":
        reasons.append(
            gettext("/permit: only a request service sells permits, not %(kind)s")
            % {"kind": repr(data["kind"])}
        )
    elif data.get("form") is None:
        reasons.append(
            gettext("/permit: a service that sells permits needs a form to buy them with")
        )
    elif not data.get("fee_pence") and not data.get("fee_rules"):
        reasons.append(
            gettext(
                "/permit: a permit is paid for: give the service a fee (fee_pence) or fee rules"
            )
        )
    if definition is not None:
        asked = _questions(definition)
        for key, what in PERMIT_ANSWERS.items():
            name = permit[key]
            if name and name not in asked:
                reasons.append(
                    gettext(
                        "/permit/%(key)s: the scheme reads %(what)s from the answer '%(name)s', "
                        "which the form does not ask (add a question with the id '%(name)s', or "
                        "name one it asks)"
                    )
                    % {"key": key, "what": what, "name": name}
                )
    return reasons


# The answers a permit scheme reads, and what each says.
PERMIT_ANSWERS = {
    "quantity_field": gettext_lazy("how many"),
    "concession_field": "whether a concession",
    "address_field": gettext_lazy("the permit's address"),
}


def permit_rules_problems(permit: dict[str, Any], *, reference_prefix: str = "") -> list[str]:
    """The permit rules' own problems (every field given), each at `/permit/<field>`: the
    number prefix's format (and not the service's `reference_prefix`), a period of 1 to 36
    months starting on a day every year has, the renewal reminder within the period, the
    refund rule's months and admin fee."""
    where = "/permit"
    reasons = []
    prefix = permit["number_prefix"]
    if not PREFIX_PATTERN.match(prefix):
        reasons.append(
            gettext(
                "%(where)s/number_prefix: the permit number prefix must be 2 to 4 capital letters "
                "or digits starting with a letter, like GWP, not %(prefix)s"
            )
            % {"where": where, "prefix": repr(prefix)}
        )
    elif prefix == reference_prefix:
        reasons.append(
            gettext(
                "%(where)s/number_prefix: %(prefix)s is also the service's reference prefix: "
                "choose another (like GWP for GW) so permit numbers and case references never look "
                "alike"
            )
            % {"where": where, "prefix": repr(prefix)}
        )
    months = permit["period_months"]
    if not 1 <= months <= MAX_PERIOD_MONTHS:
        reasons.append(
            gettext(
                "%(where)s/period_months: a permit must last 1 to %(max_period_months)s months, "
                "not %(months)s"
            )
            % {"where": where, "max_period_months": MAX_PERIOD_MONTHS, "months": months}
        )
    if permit["period_start"] == "fixed":
        reasons += _year_start_problems(permit, where)
    reminder = permit["reminder_days_before"]
    if reminder < 0:
        reasons.append(
            gettext(
                "%(where)s/reminder_days_before: the renewal reminder must be sent 0 or more days "
                "before a permit ends, not %(reminder)s"
            )
            % {"where": where, "reminder": reminder}
        )
    elif 1 <= months <= MAX_PERIOD_MONTHS and reminder >= shortest_period_days(months):
        reasons.append(
            gettext(
                "%(where)s/reminder_days_before: the renewal reminder must be sent within the "
                "period: fewer than %(days)s days before a %(months)s-month permit ends, not "
                "%(reminder)s"
            )
            % {
                "where": where,
                "days": shortest_period_days(months),
                "months": months,
                "reminder": reminder,
            }
        )
    none_last = permit["refund_none_last_months"]
    if not 0 <= none_last <= max(months, 0):
        reasons.append(
            gettext(
                "%(where)s/refund_none_last_months: the refund rule's months without a refund must "
                "be 0 to the period's %(months)s months, not %(none_last)s"
            )
            % {"where": where, "months": months, "none_last": none_last}
        )
    fee = permit["refund_admin_fee_pence"]
    if fee < 0:
        reasons.append(
            gettext(
                "%(where)s/refund_admin_fee_pence: the refund rule's admin fee must be 0 or more "
                "pence, not %(fee)s"
            )
            % {"where": where, "fee": fee}
        )
    return reasons


def _year_start_problems(permit: dict[str, Any], where: str) -> list[str]:
    month, day = permit["year_start_month"], permit["year_start_day"]
    if not 1 <= month <= 12:
        return [
            gettext("%(where)s/year_start_month: the council's year starts in a month 1 to 12")
            % {"where": where}
        ]
    try:
        date(2023, month, day)  # not a leap year: the start must be in every year
    except ValueError:
        return [
            gettext(
                "%(where)s/year_start_day: the council's year cannot start on day %(day)s of month "
                "%(month)s: not every year has that day"
            )
            % {"where": where, "day": day, "month": month}
        ]
    return []
