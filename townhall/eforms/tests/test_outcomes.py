"""Outcomes: a branch may end a journey on an outcome page instead of a page. The definition's
checks, the route the engine takes, and what reaching one writes (a count) and deletes (the
session with its answers and files)."""

import copy
import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from townhall.eforms.definition import definition_errors, eligibility_errors
from townhall.eforms.engine import OUTCOME_REACHED, FormFlow
from townhall.eforms.models import FormSession, OutcomeCount, UploadedFile
from townhall.eforms.services import (
    form_outcome_reach,
    form_session_start,
    form_version_publish,
    outcome_count_add,
)
from townhall.portal.tests.fixtures import make_service

CHECKER = {
    "title": "Check if you can get a garden bin",
    "pages": [
        {
            "id": "house",
            "fields": [{"name": "house", "type": "yesno", "label": "A house?", "required": True}],
            "next": [{"when": {"field": "house", "op": "eq", "value": "no"}, "outcome": "no"}],
        },
        {
            "id": "garden",
            "fields": [{"name": "garden", "type": "yesno", "label": "A garden?", "required": True}],
            "next": [
                {"when": {"field": "garden", "op": "eq", "value": "yes"}, "outcome": "yes"},
                {"outcome": "no"},
            ],
        },
    ],
    "outcomes": [
        {"id": "yes", "title": "You can", "body": ["Apply now."]},
        {
            "id": "no",
            "title": "You cannot",
            "title_cy": "Ni allwch",
            "next_steps": [{"text": "Other help", "href": "/services/"}],
        },
        {"id": "unused", "title": "Never reached"},
    ],
}


def test_a_definition_with_outcomes_is_sound_and_unused_outcomes_are_fine():
    assert definition_errors(CHECKER) == []
    assert eligibility_errors(CHECKER) == []


def test_a_branch_to_an_unknown_outcome_is_refused():
    definition = copy.deepcopy(CHECKER)
    definition["pages"][0]["next"][0]["outcome"] = "maybe"
    assert definition_errors(definition) == [
        "Page 'house' ends on the outcome 'maybe', which is not in the form (removed or renamed?)."
    ]


def test_outcome_ids_are_unique():
    definition = copy.deepcopy(CHECKER)
    definition["outcomes"].append({"id": "yes", "title": "Again"})
    assert definition_errors(definition) == [
        "An earlier outcome already has the id 'yes': each needs its own id."
    ]


@pytest.mark.parametrize(
    "branch",
    [
        {"goto": "garden", "outcome": "yes"},  # both
        {"when": {"field": "house", "op": "eq", "value": "no"}},  # neither
    ],
)
def test_a_branch_goes_to_a_page_or_ends_on_an_outcome_never_both_nor_neither(branch):
    definition = copy.deepcopy(CHECKER)
    definition["pages"][0]["next"] = [branch]
    assert definition_errors(definition)


@pytest.mark.parametrize("href", ["javascript:alert(1)", "//evil.example/", "http://x.example/"])
def test_a_next_step_links_to_a_path_or_an_https_address_only(href):
    definition = copy.deepcopy(CHECKER)
    definition["outcomes"][1]["next_steps"][0]["href"] = href
    assert definition_errors(definition)


def test_an_outcome_needs_a_title():
    definition = copy.deepcopy(CHECKER)
    del definition["outcomes"][0]["title"]
    assert definition_errors(definition)


def test_the_engine_ends_the_route_on_the_outcome_the_answers_reach():
    flow = FormFlow(CHECKER, ask_contact=True)
    assert flow.outcome({}) is None
    assert flow.next_page_id("house", {"house": "no"}) == OUTCOME_REACHED
    assert flow.outcome({"house": "no"})["id"] == "no"
    assert [p.id for p in flow.route({"house": "no"})] == ["house"]
    assert flow.outcome({"house": "yes"}) is None  # the garden question is still to answer
    assert flow.outcome({"house": "yes", "garden": "yes"})["id"] == "yes"
    assert flow.outcome({"house": "yes", "garden": "no"})["id"] == "no"
    # An outcome is never sent: not complete, and the next page to answer is the last one.
    assert not flow.is_complete({"house": "no"})
    assert flow.next_unanswered_page_id({"house": "no"}) == "house"


def test_an_eligibility_checker_must_end_every_route_on_an_outcome_and_ask_nothing_personal():
    definition = copy.deepcopy(CHECKER)
    definition["contact"] = True
    definition["pages"][0]["next"] = [{"goto": "check"}]
    definition["pages"][1]["next"] = definition["pages"][1]["next"][:1]
    definition["pages"][1]["fields"].append(
        {"name": "photo", "type": "file", "label": "A photo of the garden"}
    )
    assert eligibility_errors(definition) == [
        "/contact: an eligibility checker keeps no personal data: no contact details",
        "/pages/0/next/0/goto: an eligibility checker ends on an outcome, never on check answers",
        "/pages/1/fields/1/type: an eligibility checker keeps no files",
        "/pages/1/next: the last page of an eligibility checker must always end on an outcome "
        "(a branch with `outcome` and no `when`), and always be shown",
    ]
    del definition["outcomes"]
    assert eligibility_errors(definition)[0] == (
        "/outcomes: an eligibility checker needs at least one outcome"
    )


@pytest.mark.django_db
def test_reaching_an_outcome_counts_it_and_deletes_the_session_with_its_answers_and_files():
    service = make_service()
    form_version_publish(slug=service.form.slug, name="x", definition=CHECKER)
    session = form_session_start(service=service)
    session.answers = {"house": "yes", "garden": "yes"}
    session.save()
    upload = UploadedFile.objects.create(
        form_session=session,
        field_name="photo",
        file="uploads/x.png",
        original_name="x.png",
        content_type="image/png",
        extension=".png",
        size=1,
        sha256="0" * 64,
    )
    assert form_outcome_reach(session=session)["id"] == "yes"
    assert not FormSession.objects.exists()
    assert not UploadedFile.objects.filter(pk=upload.pk).exists()
    assert OutcomeCount.objects.get(service=service, outcome="yes").count == 1
    # Once gone, it cannot be reached again (a second tab, a replayed POST).
    with pytest.raises(ValidationError):
        form_outcome_reach(session=session)
    assert OutcomeCount.objects.get(service=service, outcome="yes").count == 1


@pytest.mark.django_db
def test_answers_that_lead_to_no_outcome_keep_the_session():
    service = make_service()
    form_version_publish(slug=service.form.slug, name="x", definition=CHECKER)
    session = form_session_start(service=service)
    session.answers = {"house": "yes"}
    session.save()
    with pytest.raises(ValidationError):
        form_outcome_reach(session=session)
    assert FormSession.objects.filter(pk=session.pk).exists()
    assert not OutcomeCount.objects.exists()


@pytest.mark.django_db
def test_counts_are_kept_per_service_outcome_and_day():
    service = make_service()
    for day in (date(2026, 12, 1), date(2026, 12, 1), date(2026, 12, 2)):
        outcome_count_add(service=service, outcome="yes", day=day)
    outcome_count_add(service=service, outcome="no", day=date(2026, 12, 1))
    counts = {(c.outcome, c.day.day): c.count for c in OutcomeCount.objects.filter(service=service)}
    assert counts == {("yes", 1): 2, ("yes", 2): 1, ("no", 1): 1}


@pytest.mark.django_db(transaction=True)
def test_outcomes_reached_at_the_same_moment_are_all_counted():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite writes one at a time; the race needs PostgreSQL")
    service = make_service()
    day = date(2026, 12, 3)
    barrier = threading.Barrier(6)

    def count_one() -> None:
        barrier.wait()
        try:
            outcome_count_add(service=service, outcome="yes", day=day)
        finally:
            connection.close()

    threads = [threading.Thread(target=count_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert OutcomeCount.objects.get(service=service, day=day).count == 6


@pytest.mark.django_db
def test_a_checkers_journeys_left_unfinished_are_deleted_when_the_next_one_starts():
    service = make_service()
    service.kind = service.Kind.ELIGIBILITY
    service.save()
    form_version_publish(slug=service.form.slug, name="x", definition=CHECKER)
    left = form_session_start(service=service)
    recent = form_session_start(service=service)
    FormSession.objects.filter(pk=left.pk).update(
        answers={"house": "yes"}, updated_at=timezone.now() - timedelta(hours=3)
    )
    started = form_session_start(service=service)
    assert set(FormSession.objects.values_list("pk", flat=True)) == {recent.pk, started.pk}
