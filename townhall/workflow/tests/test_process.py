from datetime import date

import pytest
from django.core.exceptions import ValidationError

from townhall.accounts.models import Team, User
from townhall.cases.models import Case, CaseEvent
from townhall.cases.services import case_change_status
from townhall.core.calendars import LONDON
from townhall.demo.council import team_slug
from townhall.integrations.models import OutboxMessage
from townhall.places.models import Street
from townhall.workflow import registry
from townhall.workflow.library import library_files
from townhall.workflow.models import ClockPause, ProcessInstance, ProcessVersion, WorkItem
from townhall.workflow.publishing import process_version_publish
from townhall.workflow.services import (
    process_message_deliver,
    process_retry,
    work_item_assign,
    work_item_complete,
)
from townhall.workflow.tests.helpers import case_open, only_open_item, open_items

SPECIALIST = team_slug("Waste and street scene", "Specialist clearance contractor")
CREW = team_slug("Waste and street scene", "Street scene crew")


def _fly(catalogue, **answers):
    answers.setdefault("waste_types", ["household_bags"])
    answers.setdefault("amount", "single_bag")
    return case_open(catalogue["report-fly-tipping"], answers)


# --- Routing by the fly-tipping decision table --------------------------------------------


@pytest.mark.parametrize("waste", [["asbestos"], ["tyres", "hazardous"]])
def test_hazardous_or_asbestos_fly_tip_goes_to_the_specialist_contractor_through_the_outbox(
    catalogue, waste
):
    case = _fly(catalogue, waste_types=waste, amount=None)
    case.refresh_from_db()
    assert case.team.slug == SPECIALIST
    assert case.priority == Case.Priority.HIGH
    assert case.status == Case.Status.IN_PROGRESS  # the resident is told it is being dealt with
    job = OutboxMessage.objects.get(correlation=case.reference)
    assert job.partner == "specialist_clearance"
    assert job.payload["job"] == "clear_hazardous_fly_tip"
    assert open_items(case) == []  # waiting for the contractor, not for an officer
    assert ProcessInstance.objects.get(case=case).status == ProcessInstance.Status.RUNNING


@pytest.mark.parametrize("amount", ["small_van", "lorry"])
def test_a_large_fly_tip_is_high_priority_for_the_street_scene_crew(catalogue, amount):
    case = _fly(catalogue, amount=amount)
    case.refresh_from_db()
    assert (case.team.slug, case.priority) == (CREW, Case.Priority.HIGH)
    item = only_open_item(case)
    assert item.title == "Clear the fly-tip" and item.team.slug == CREW
    assert not OutboxMessage.objects.exists()


def test_a_fly_tip_on_a_main_road_is_high_priority(catalogue):
    Street.objects.create(
        usrn="99000001",
        name="Ashford Road",
        town="Kingsmead",
        is_main_road=True,
        start_lat=51.14,
        start_lon=0.87,
        end_lat=51.15,
        end_lon=0.88,
    )
    case = case_open(
        catalogue["report-fly-tipping"],
        {"waste_types": ["furniture"], "amount": "single_bag"},
        usrn="99000001",
    )
    case.refresh_from_db()
    assert (case.team.slug, case.priority) == (CREW, Case.Priority.HIGH)


def test_any_other_fly_tip_goes_to_the_crew_at_normal_priority(catalogue):
    case = _fly(catalogue)
    case.refresh_from_db()
    assert (case.team.slug, case.priority) == (CREW, Case.Priority.NORMAL)
    assert case.events.filter(kind=CaseEvent.Kind.ASSIGNED).exists() is False  # already theirs


# --- Work items, statuses, notifications --------------------------------------------------


def test_completing_work_moves_the_case_on_and_tells_the_resident_each_time(
    catalogue, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _fly(catalogue)
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    clear = only_open_item(case)
    with django_capture_on_commit_callbacks(execute=True):
        work_item_complete(work_item=clear, actor=None, outcome="cleared")
    evidence = only_open_item(case)
    assert evidence.title == "Check the evidence photo"
    with django_capture_on_commit_callbacks(execute=True):
        work_item_complete(work_item=evidence, actor=None, outcome="accepted")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.resolution == "completed"
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == ProcessInstance.Status.COMPLETED and instance.next_timer_at is None
    statuses = [e.data["to"] for e in case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED)]
    assert statuses == ["in_progress", "closed"]
    subjects = [m.subject for m in mailoutbox]
    assert len(subjects) == 3, subjects  # received, in progress, closed


def test_completing_a_work_item_twice_is_refused_and_changes_nothing(catalogue):
    case = _fly(catalogue)
    item = only_open_item(case)
    work_item_complete(work_item=item, actor=None, outcome="not_found")
    events = case.events.count()
    with pytest.raises(ValidationError, match="already been done"):
        work_item_complete(work_item=item, actor=None, outcome="not_found")
    assert case.events.count() == events


def test_an_outcome_the_task_does_not_offer_is_refused(catalogue):
    case = _fly(catalogue)
    item = only_open_item(case)
    with pytest.raises(ValidationError, match="Choose what happened"):
        work_item_complete(work_item=item, actor=None, outcome="burnt_it")
    assert WorkItem.objects.get(pk=item.pk).status == WorkItem.Status.OPEN


def test_the_contractors_reply_resumes_the_waiting_process(catalogue):
    case = _fly(catalogue, waste_types=["asbestos"])
    assert process_message_deliver(case=case, name="job_done", data={"photo": "p1.jpg"})
    item = only_open_item(case)
    assert item.title == "Check the evidence photo"
    # A duplicate reply finds nothing waiting and changes nothing.
    assert not process_message_deliver(case=case, name="job_done", data={})
    assert len(open_items(case)) == 1


def test_a_case_closed_by_hand_stops_its_process(catalogue):
    case = _fly(catalogue)
    case_change_status(case=case, actor=None, status="closed", resolution="duplicate")
    assert ProcessInstance.objects.get(case=case).status == ProcessInstance.Status.CANCELLED
    assert open_items(case) == []


# --- Version pinning ------------------------------------------------------------------------


def test_a_case_keeps_the_version_it_started_on_and_new_cases_take_the_new_one(catalogue):
    first = _fly(catalogue)
    key, bpmn, dmns = next(f for f in library_files() if f[0] == "report-fly-tipping")
    v2 = process_version_publish(
        key=key,
        name="Fly v2",
        bpmn_xml=bpmn.replace('name="Clear the fly-tip"', 'name="Clear it (v2)"'),
        dmn_xmls=dmns,
    )
    second = _fly(catalogue)
    assert ProcessInstance.objects.get(case=first).version.version == 1
    assert ProcessInstance.objects.get(case=second).version == v2
    assert only_open_item(second).title == "Clear it (v2)"
    # The first case runs on v1 to the end, though v2 is live.
    work_item_complete(work_item=only_open_item(first), actor=None, outcome="cleared")
    assert only_open_item(first).title == "Check the evidence photo"
    assert ProcessVersion.objects.filter(key=key, is_live=True).get() == v2


# --- Errors and retry ---------------------------------------------------------------------


def test_a_failing_step_leaves_the_case_needing_attention_with_the_real_error_and_retry_fixes_it(
    catalogue, monkeypatch
):
    def broken(ctx, **params):
        raise registry.OperationError("The contractor's job API refused the job: no location")

    monkeypatch.setitem(registry.OPERATIONS, "contractor_job_send", broken)
    case = _fly(catalogue, waste_types=["asbestos"])
    instance = ProcessInstance.objects.get(case=case)
    assert instance.status == ProcessInstance.Status.NEEDS_ATTENTION
    assert "refused the job: no location" in instance.last_error
    assert "Send the job to the specialist contractor" in instance.last_error
    assert not OutboxMessage.objects.exists()
    case.refresh_from_db()
    assert case.team.slug == SPECIALIST  # the steps before the failure stand

    monkeypatch.undo()
    process_retry(case=case, actor=None)
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.RUNNING and instance.last_error == ""
    assert OutboxMessage.objects.filter(correlation=case.reference).count() == 1
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS


def test_completing_work_on_a_process_that_needs_attention_is_refused(catalogue):
    case = _fly(catalogue)
    ProcessInstance.objects.filter(case=case).update(status=ProcessInstance.Status.NEEDS_ATTENTION)
    with pytest.raises(ValidationError, match="needs attention"):
        work_item_complete(work_item=only_open_item(case), actor=None, outcome="cleared")


# --- Statutory clocks through the processes ----------------------------------------------


def test_foi_due_date_uses_uk_wide_working_days_and_pauses_for_clarification(catalogue):
    from datetime import datetime

    received = datetime(2025, 12, 22, 10, 0, tzinfo=LONDON)
    case = case_open(catalogue["make-a-freedom-of-information-request"], {}, received_at=received)
    case.refresh_from_db()
    # 20 working days from Mon 22 Dec 2025, skipping Christmas, Boxing Day, New Year's Day
    # and Scotland's 2 January: Fri 23 January (England's calendar alone gives the 22nd).
    assert case.due_at.astimezone(LONDON).date() == date(2026, 1, 23)
    check = only_open_item(case)
    work_item_complete(work_item=check, actor=None, outcome="needs_clarification")
    pause = ClockPause.objects.get(case=case)
    assert pause.resumed_on is None
    assert only_open_item(case).title == "Record the clarification received"
    # Paused: the due date is provisional, 20 working days from today at the earliest.
    case.refresh_from_db()
    assert case.due_at.astimezone(LONDON).date() > date(2026, 1, 23)
    work_item_complete(work_item=only_open_item(case), actor=None)
    pause.refresh_from_db()
    assert pause.resumed_on is not None
    assert only_open_item(case).title == "Check the request is clear"


def test_sar_is_due_one_calendar_month_later_moved_off_a_weekend(catalogue):
    from datetime import datetime

    received = datetime(2027, 1, 31, 12, 0, tzinfo=LONDON)  # no 31 February: end of month
    case = case_open(catalogue["make-a-subject-access-request"], {}, received_at=received)
    case.refresh_from_db()
    # 28 Feb 2027 is a Sunday: the next working day, Monday 1 March.
    assert case.due_at.astimezone(LONDON).date() == date(2027, 3, 1)


def test_an_imported_case_starts_its_process_quietly(catalogue, mailoutbox):
    case = case_open(catalogue["report-fly-tipping"], {"waste_types": ["asbestos"]}, notify=False)
    case.refresh_from_db()
    assert case.team.slug == SPECIALIST  # routed like any other case
    assert case.status == Case.Status.OPEN  # the import sets its own status history
    assert not OutboxMessage.objects.exists()  # no contractor sent to an old case
    assert mailoutbox == []


def test_a_work_item_goes_only_to_an_officer_of_its_team(catalogue):
    case = _fly(catalogue)
    item = only_open_item(case)
    crew_member = User.objects.create_user("crew1@example.gov.uk", "Not-a-real-pass-1")
    crew_member.teams.set([Team.objects.get(slug=CREW)])
    outsider = User.objects.create_user("other1@example.gov.uk", "Not-a-real-pass-1")
    with pytest.raises(ValidationError, match="not in that team"):
        work_item_assign(work_item=item, officer=outsider, actor=None)
    work_item_assign(work_item=item, officer=crew_member, actor=None)
    item.refresh_from_db()
    assert item.assigned_to == crew_member
