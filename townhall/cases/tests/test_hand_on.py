"""Reports that are the county's (issue 17 point 3): handed on by Open311 through the outbox
to a real local GeoReport server (scripts/fake_county.py), or by email; the county's reference
stored on the case and told to the resident; failures retried, then shown as not passed on."""

from pathlib import Path

import pytest
from django.core import mail

from townhall.builder.exchange import service_file_dump, service_file_load
from townhall.builder.selectors import service_file_data
from townhall.builder.services import service_data_import
from townhall.cases.models import Case, CaseEvent, CaseHandOn
from townhall.cases.services import case_create
from townhall.integrations.models import OutboxMessage
from townhall.integrations.outbox.delivery import outbox_work

pytestmark = pytest.mark.django_db(transaction=True)

POTHOLE = (
    Path(__file__).resolve().parents[2]
    / "demo"
    / "services"
    / "report-a-pothole-or-road-defect.yaml"
)


def pothole_data(**hand_on: str) -> dict:
    data = service_file_load(POTHOLE.read_text(encoding="utf-8"))
    data["hand_on"] = {**data["hand_on"], **hand_on}
    return data


@pytest.fixture
def county(fake_county, settings, monkeypatch):
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0.01
    settings.OUTBOX_BACKOFF_CAP_SECONDS = 0.05
    monkeypatch.setenv("KENT_OPEN311_API_KEY", fake_county.api_key)
    return fake_county


@pytest.fixture
def pothole(county):
    return service_data_import(data=pothole_data(endpoint=county.endpoint))


def report(service, **extra) -> Case:
    return case_create(
        service=service,
        summary="Deep pothole outside number 12",
        answers={"pothole_depth": 8},
        contact_name="Ada Lovelace",
        contact_email="ada@example.com",
        lat=51.1465,
        lon=0.875,
        location_text="12 High Street, Ashford",
        **extra,
    )


def deliver() -> dict[str, int]:
    return outbox_work(worker="t", threads=2, until_idle=True)


def test_a_pothole_is_passed_to_the_county_by_open311_and_its_reference_kept(pothole, county):
    case = report(pothole)
    hand_on = CaseHandOn.objects.get(case=case)
    assert hand_on.status == CaseHandOn.Status.QUEUED  # stored, queued, not yet sent

    deliver()

    sent = county.stats()["requests"]
    assert len(sent) == 1
    fields = sent[0]["fields"]
    assert fields["service_code"] == "POTHOLE"
    assert fields["jurisdiction_id"] == "kent.gov.uk"
    assert fields["lat"] == "51.1465" and fields["long"] == "0.875"
    assert case.reference in fields["description"]
    hand_on.refresh_from_db()
    assert hand_on.status == CaseHandOn.Status.PASSED
    assert hand_on.reference == sent[0]["id"]
    note = case.events.filter(kind=CaseEvent.Kind.PUBLIC_NOTE).get()
    assert note.text == (
        f"Passed to Kent County Council by Open311. Their reference: {hand_on.reference}"
    )
    assert note.is_public


def test_the_county_key_is_sent_but_never_written_in_the_file_or_the_outbox(pothole, county):
    case = report(pothole)
    message = OutboxMessage.objects.get(correlation=case.reference)
    assert county.api_key not in str(message.payload)
    assert county.api_key not in service_file_dump(service_file_data(pothole))
    deliver()
    assert county.stats()["requests"][0]["id"]  # the county took the key


def test_a_county_down_is_retried_until_it_answers(pothole, county):
    county.control("down")
    case = report(pothole)
    deliver_once = outbox_work(worker="t", threads=1, until_idle=True)
    assert deliver_once["delivered"] == 0
    hand_on = CaseHandOn.objects.get(case=case)
    assert hand_on.status == CaseHandOn.Status.QUEUED
    county.control("ok")
    # Its backoff is over: due now.
    OutboxMessage.objects.filter(correlation=case.reference).update(
        next_attempt_at=hand_on.created_at
    )
    deliver()
    hand_on.refresh_from_db()
    assert hand_on.status == CaseHandOn.Status.PASSED and hand_on.reference


def test_a_county_that_never_answers_leaves_the_case_visibly_not_passed_on(pothole, county):
    county.control("down")
    case = report(pothole)
    for _ in range(20):
        OutboxMessage.objects.filter(correlation=case.reference).exclude(
            status=OutboxMessage.Status.DEAD
        ).update(next_attempt_at=case.created_at)
        deliver()
    message = OutboxMessage.objects.get(correlation=case.reference)
    assert message.status == OutboxMessage.Status.DEAD
    hand_on = CaseHandOn.objects.get(case=case)
    assert hand_on.status == CaseHandOn.Status.FAILED
    assert hand_on.get_status_display() == "Could not be passed on"
    assert "503" in hand_on.last_error
    internal = case.events.get(kind=CaseEvent.Kind.INTERNAL_NOTE, text__startswith="Not yet")
    assert not internal.is_public


def test_a_county_answering_with_a_token_gives_its_reference_later(pothole, county):
    county.control("token")
    case = report(pothole)
    deliver()
    hand_on = CaseHandOn.objects.get(case=case)
    assert hand_on.status == CaseHandOn.Status.PASSED
    assert hand_on.token == f"tok-{county.stats()['requests'][0]['id']}"
    for _ in range(5):  # the fake issues the id on the second ask
        OutboxMessage.objects.filter(
            correlation=case.reference, status=OutboxMessage.Status.FAILED
        ).update(next_attempt_at=case.created_at)
        deliver()
    hand_on.refresh_from_db()
    assert hand_on.reference == county.stats()["requests"][0]["id"]
    notes = list(case.events.filter(kind=CaseEvent.Kind.PUBLIC_NOTE).order_by("at", "id"))
    assert [n.text for n in notes] == [
        "Passed to Kent County Council by Open311. Their reference will follow.",
        f"Your report has been passed to Kent County Council. Their reference: {hand_on.reference}",
    ]
    # The resident is emailed the update (the notifications task runs in tests at once).
    assert any(hand_on.reference in m.body for m in mail.outbox)


def test_history_loaded_in_bulk_is_not_sent_to_the_county(pothole, county):
    case = report(pothole, notify=False)
    assert not CaseHandOn.objects.filter(case=case).exists()


def test_a_welsh_reporter_is_told_of_the_hand_on_in_welsh(pothole, county):
    case = report(pothole, language="cy")
    deliver()
    hand_on = CaseHandOn.objects.get(case=case)
    note = case.events.filter(kind=CaseEvent.Kind.PUBLIC_NOTE).get()
    assert note.text == (
        f"Wedi’i drosglwyddo i Kent County Council drwy Open311. "
        f"Eu cyfeirnod nhw: {hand_on.reference}"
    )
    # The email around it is Welsh (the pothole's own Welsh confirmation, then the update).
    told = [m for m in mail.outbox if m.to == ["ada@example.com"]]
    assert told and all(m.body.startswith("Annwyl Ada Lovelace,") for m in told)
    assert any(hand_on.reference in m.body for m in told)
