"""Checks before publish (issue 16 point 4): each check on its own, each refusal listing every
reason by its place in the file with nothing written, and every demo service passing."""

from pathlib import Path

import pytest
import yaml

from townhall.builder.checks import form_problems, open311_problems, service_data_problems
from townhall.builder.drafts import service_draft, service_draft_problems, service_draft_save
from townhall.builder.exchange import ServiceFileInvalid, service_file_defaults, service_file_dump
from townhall.builder.services import service_import
from townhall.builder.tests.conftest import fly_tipping_data, import_state
from townhall.catalogue.models import Service
from townhall.workflow.library import library_process

pytestmark = pytest.mark.django_db

DEMO_SERVICES = Path(__file__).resolve().parents[2] / "demo" / "services"

# The fly-tipping form's pages, by index.
WASTE_TYPES, AMOUNT, SEEN_WHO, VEHICLE, PHOTOS, DESCRIPTION = 1, 3, 4, 5, 6, 7

UNREACHABLE_VEHICLE = (
    "/form/definition/pages/5: no route through the form reaches page 'vehicle' (no branch "
    "goes to it, and no page a route reaches before it leads on to it)"
)


def _page(page_id: str, *names: str, **extra: object) -> dict:
    return {
        "id": page_id,
        "fields": [{"name": name, "type": "text", "label": name.title()} for name in names],
        **extra,
    }


def _form(*pages: dict) -> dict:
    return {"title": "A form", "pages": list(pages)}


def _answered(name: str) -> dict:
    return {"field": name, "op": "answered"}


def _refused(data: dict) -> list[str]:
    state = import_state()
    with pytest.raises(ServiceFileInvalid) as caught:
        service_import(text=service_file_dump(data))
    assert import_state() == state, "a refused import wrote something"
    return caught.value.reasons


def _pages(data: dict) -> list[dict]:
    return data["form"]["definition"]["pages"]


def _own_process(data: dict) -> dict:
    name, bpmn, dmns = library_process(data["process"]["library"])
    data["process"] = {"key": data["process"]["library"], "name": name, "bpmn": bpmn, "dmn": dmns}
    return data


# ----------------------------------------------------------------------------------------
# Unreachable pages


def test_a_page_no_route_reaches_is_named_by_its_pointer():
    form = _form(_page("a", "a", next=[{"goto": "c"}]), _page("b", "b"), _page("c", "c"))
    assert form_problems(form) == [
        "/form/definition/pages/1: no route through the form reaches page 'b' (no branch goes "
        "to it, and no page a route reaches before it leads on to it)"
    ]


def test_pages_shown_on_some_answers_and_pages_a_branch_goes_to_are_reachable():
    form = _form(
        _page("a", "a", next=[{"when": _answered("a"), "goto": "c"}]),
        _page("b", "b", show_if=_answered("a"), next=[{"goto": "check"}]),
        _page("c", "c", show_if=_answered("a")),
        _page("d", "d"),
    )
    assert form_problems(form) == []


def test_branches_after_one_without_a_condition_never_apply():
    form = _form(
        _page("a", "a", next=[{"goto": "c"}, {"when": _answered("a"), "goto": "b"}]),
        _page("b", "b"),
        _page("c", "c"),
    )
    assert [r.split(":")[0] for r in form_problems(form)] == ["/form/definition/pages/1"]


def test_a_page_only_an_unreachable_page_leads_to_is_unreachable_too():
    form = _form(
        _page("a", "a", next=[{"goto": "check"}]),
        _page("b", "b", next=[{"goto": "c"}]),
        _page("c", "c"),
    )
    assert [r.split(":")[0] for r in form_problems(form)] == [
        "/form/definition/pages/1",
        "/form/definition/pages/2",
    ]


def test_an_unreachable_page_is_refused_and_nothing_is_written(demo):
    data = fly_tipping_data(demo)
    _pages(data)[SEEN_WHO]["next"] = [{"goto": "photos"}]
    assert _refused(data) == [UNREACHABLE_VEHICLE]


# ----------------------------------------------------------------------------------------
# Branches to pages that are gone


def test_a_branch_to_a_page_that_is_gone_is_named_once_by_its_pointer():
    form = _form(_page("a", "a", next=[{"when": _answered("a"), "goto": "gone"}]), _page("b", "b"))
    assert form_problems(form) == [
        "/form/definition/pages/0/next/0/goto: Page 'a' goes to page 'gone', which is not in "
        "the form (removed or renamed?)."
    ]


def test_a_branch_to_a_page_that_is_gone_is_refused_and_nothing_is_written(demo):
    data = fly_tipping_data(demo)
    _pages(data)[AMOUNT]["next"][0]["goto"] = "witness"
    reasons = _refused(data)
    assert reasons == [
        "/form/definition/pages/3/next/0/goto: Page 'amount' goes to page 'witness', which is "
        "not in the form (removed or renamed?).",
        "/form/definition/pages/4: no route through the form reaches page 'seen-who' (no "
        "branch goes to it, and no page a route reaches before it leads on to it)",
        UNREACHABLE_VEHICLE,
    ]


# ----------------------------------------------------------------------------------------
# Duplicate ids


def test_duplicate_question_and_page_ids_are_named_by_their_pointers():
    form = _form(_page("a", "x"), _page("a", "y", "x"))
    assert form_problems(form) == [
        "/form/definition/pages/1/id: An earlier page already has the id 'a': each page needs "
        "its own id.",
        "/form/definition/pages/1/fields/1/name: Two questions have the id 'x': each question "
        "needs its own id.",
    ]


def test_a_duplicate_question_id_is_refused_and_nothing_is_written(demo):
    data = fly_tipping_data(demo)
    _pages(data)[PHOTOS]["fields"][0]["name"] = "location"
    assert _refused(data) == [
        "/form/definition/pages/6/fields/0/name: Two questions have the id 'location': each "
        "question needs its own id."
    ]


# ----------------------------------------------------------------------------------------
# Answers the process or its decision tables read


def test_an_answer_a_decision_table_reads_that_the_form_does_not_ask_is_refused(demo):
    data = _own_process(fly_tipping_data(demo))
    data["process"]["dmn"] = [
        dmn.replace("<text>amount</text>", "<text>size</text>") for dmn in data["process"]["dmn"]
    ]
    assert _refused(data) == [
        "/process: the decision table 'Fly-tipping routing' reads the answer 'size', which the "
        "form does not ask (add a question with the id 'size', or change the process)"
    ]


def test_an_answer_a_condition_reads_that_the_form_no_longer_asks_is_refused(demo):
    data = fly_tipping_data(demo)
    page = _pages(data)[WASTE_TYPES]
    page["fields"][0]["name"] = "rubbish"
    page["next"][0]["when"] = {"field": "rubbish", "op": "contains", "value": "asbestos"}
    data["form"]["definition"]["summary_field"] = "rubbish"
    reasons = _refused(data)
    assert (
        "/process: the decision table 'Fly-tipping routing' reads the answer 'waste_types', "
        "which the form does not ask (add a question with the id 'waste_types', or change the "
        "process)"
    ) in reasons


# ----------------------------------------------------------------------------------------
# Open311 attributes without a question


def test_an_open311_attribute_whose_question_is_gone_is_refused(demo):
    data = fly_tipping_data(demo)
    page = _pages(data)[SEEN_WHO]
    page["fields"][0]["name"] = "saw_who"
    page["next"][0]["when"]["field"] = "saw_who"
    assert _refused(data) == [
        "/open311_code: Open311 clients answer the question 'seen_who' ('Did you see who "
        "dumped it?') as an attribute of service code 'fly_tipping', and the form no longer "
        "asks it as a question they can answer: keep the question, or give the service a new "
        "Open311 code so that clients read its new questions"
    ]


def test_a_question_open311_can_no_longer_carry_is_an_attribute_without_a_question():
    offered = _form(_page("a", "size"))
    now = _form({"id": "a", "fields": [{"name": "size", "type": "file", "label": "Size"}]})
    assert open311_problems(now, open311_code="tip", offered=offered)[0].startswith(
        "/open311_code: Open311 clients answer the question 'size' ('Size')"
    )
    assert open311_problems(offered, open311_code="tip", offered=offered) == []


def test_a_service_under_a_new_open311_code_or_not_offered_may_drop_questions(demo):
    data = fly_tipping_data(demo)
    page = _pages(data)[SEEN_WHO]
    page["fields"][0]["name"] = "saw_who"
    page["next"][0]["when"]["field"] = "saw_who"
    data["open311_code"] = "fly_tipping_2"
    service_import(text=service_file_dump(data))
    assert Service.objects.get(slug="report-fly-tipping").open311_code == "fly_tipping_2"
    assert open311_problems(data["form"]["definition"], open311_code="x", offered=None) == []


# ----------------------------------------------------------------------------------------
# Together: every reason, nothing written; the builder's dry run says the same


def _every_problem(data: dict) -> dict:
    pages = _pages(data)
    pages[SEEN_WHO]["fields"][0]["name"] = "saw_who"
    pages[SEEN_WHO]["next"] = [{"goto": "photos"}]
    pages[PHOTOS]["fields"][0]["name"] = "location"
    pages[DESCRIPTION]["next"] = [{"goto": "comments"}]
    data = _own_process(data)
    data["process"]["dmn"] = [
        dmn.replace("<text>amount</text>", "<text>size</text>") for dmn in data["process"]["dmn"]
    ]
    return data


EVERY_REASON_STARTS = [
    "/form/definition/pages/6/fields/0/name: Two questions have the id 'location'",
    "/form/definition/pages/7/next/0/goto: Page 'description' goes to page 'comments'",
    "/form/definition/pages/5: no route through the form reaches page 'vehicle'",
    "/process: the decision table 'Fly-tipping routing' reads the answer 'size'",
    "/open311_code: Open311 clients answer the question 'seen_who'",
]


def test_a_refusal_lists_every_reason_and_writes_nothing(demo):
    reasons = _refused(_every_problem(fly_tipping_data(demo)))
    assert [r[: len(start)] for r, start in zip(reasons, EVERY_REASON_STARTS, strict=True)] == (
        EVERY_REASON_STARTS
    )


def test_the_builders_publish_page_lists_the_same_reasons(demo):
    service = demo["report-fly-tipping"]
    draft = service_draft(service, actor=None)
    service_draft_save(
        service=service,
        data=_every_problem(fly_tipping_data(demo)),
        revision=draft.revision,
        actor=None,
        change="every problem at once",
    )
    state = import_state()
    reasons = service_draft_problems(service)
    assert [r[: len(start)] for r, start in zip(reasons, EVERY_REASON_STARTS, strict=True)] == (
        EVERY_REASON_STARTS
    )
    assert import_state() == state


# ----------------------------------------------------------------------------------------
# The demo catalogue


@pytest.mark.parametrize("path", sorted(DEMO_SERVICES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_demo_service_passes_every_check(path):
    data = service_file_defaults(yaml.safe_load(path.read_text(encoding="utf-8")))
    offered = data["form"]["definition"] if data["form"] else None
    assert service_data_problems(data, offered=offered) == []
