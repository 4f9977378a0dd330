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
  answer today that the new form no longer asks.
"""

from typing import Any

from townhall.builder.exchange import FORM_POINTER as FORM
from townhall.builder.exchange import MAX_REASONS, form_schema_reasons
from townhall.eforms.attributes import attribute_questions
from townhall.eforms.definition import (
    definition_problems,
    definition_schema_errors,
    pages_unreachable,
)
from townhall.eforms.fees import fee_rules_problems
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
                f"{FORM}/pages/{index}: no route through the form reaches page "
                f"'{pages[index]['id']}' (no branch goes to it, and no page a route reaches "
                "before it leads on to it)"
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
        f"/process: {' and '.join(places)} read{'s' if len(places) == 1 else ''} the answer "
        f"'{name}', which the form does not ask (add a question with the id '{name}', or "
        "change the process)"
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
        f"/open311_code: Open311 clients answer the question '{field['name']}' "
        f"({field['label']!r}) as an attribute of service code '{open311_code}', and the form "
        "no longer asks it as a question they can answer: keep the question, or give the "
        "service a new Open311 code so that clients read its new questions"
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
        return fee_rules_problems(data.get("fee_rules", []), None)
    definition = form["definition"]
    reasons = form_problems(definition) if form_reasons is None else list(form_reasons)
    if definition_schema_errors(definition):
        return reasons  # the other checks read the form's shape, which this one has not got
    if not reasons:
        # The rules read the form's questions: checked once the form itself is sound.
        reasons += fee_rules_problems(data.get("fee_rules", []), definition)
    if data.get("process") is not None:
        reasons += process_problems(definition, data["process"])
    reasons += open311_problems(
        definition, open311_code=data.get("open311_code", ""), offered=offered
    )
    return reasons
