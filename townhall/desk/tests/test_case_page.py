import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseAttachment, CaseEvent
from townhall.cases.services import case_add_note, case_merge_duplicate
from townhall.core.models import AuditEvent
from townhall.desk.tests.factories import case_make, user_make

pytestmark = pytest.mark.django_db


def _page(case: Case) -> str:
    return reverse("desk:case", args=[case.reference])


def _attachment(case: Case, *, is_public: bool) -> CaseAttachment:
    attachment = CaseAttachment(
        case=case,
        original_name="tip.png",
        content_type="image/png",
        extension=".png",
        size=4,
        is_public=is_public,
    )
    attachment.file.save("tip.png", ContentFile(b"\x89PNG"), save=False)
    attachment.save()
    return attachment


def test_officer_opens_a_case_of_their_department(officer_client, officer, waste):
    case = case_make(service=waste, location_text="Behind 12 High Street", contact_phone="0700")
    case_add_note(case=case, actor=officer, text="Crew booked for Tuesday", is_public=False)

    response = officer_client.get(_page(case))
    html = response.content.decode()

    assert response.status_code == 200
    assert html.count("<h1") == 1
    for text in [
        case.reference,
        "Fly-tipping",
        "Environmental Services",
        "Behind 12 High Street",
        "Sam Caller",
        "sam.caller@example.com",
        "0700",
        "Request received",
        "Crew booked for Tuesday",
        "govuk-tag--grey",
        f'name="lock_version" value="{case.lock_version + 1}"',
        "If closing, how was it resolved?",
        "This note will be emailed to the resident.",
    ]:
        assert text in html, text


def test_every_view_of_a_case_is_audited(officer_client, officer, waste):
    resident = user_make(role="resident")
    case = case_make(service=waste, resident=resident)

    officer_client.get(_page(case))
    officer_client.get(_page(case))

    events = AuditEvent.objects.filter(object_type="case", object_id=case.reference)
    assert events.count() == 2
    event = events.first()
    assert (event.action, event.actor, event.subject_user_id) == ("view", officer, resident.pk)
    assert event.ip_address == "127.0.0.1"


def test_officer_cannot_open_case_of_another_department(officer_client, housing):
    case = case_make(service=housing)
    attachment = _attachment(case, is_public=True)

    assert officer_client.get(_page(case)).status_code == 404
    assert officer_client.get(reverse("desk:case", args=["NO-SUCH-REF"])).status_code == 404
    url = reverse("desk:case_attachment", args=[case.reference, attachment.pk])
    assert officer_client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(object_id=case.reference).exists()


def test_officer_cannot_change_case_of_another_department(officer_client, housing):
    case = case_make(service=housing)
    status_url = reverse("desk:case_status", args=[case.reference])
    note_url = reverse("desk:case_note", args=[case.reference])

    responses = [
        officer_client.post(status_url, {"status": "in_progress", "lock_version": "0"}),
        officer_client.post(
            note_url, {"visibility": "internal", "text": "Hi", "lock_version": "0"}
        ),
        officer_client.post(note_url, {"visibility": "public", "text": "Hi", "lock_version": "0"}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    case.refresh_from_db()
    assert (case.status, case.lock_version, case.events.count()) == ("open", 0, 1)


def test_status_change_with_public_note_tells_the_resident(
    officer_client, officer, waste, django_capture_on_commit_callbacks
):
    case = case_make(service=waste)

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("desk:case_status", args=[case.reference]),
            {
                "status": "closed",
                "resolution": "completed",
                "public_note": "We cleared the rubbish this morning.",
                "lock_version": str(case.lock_version),
            },
        )

    assert response.status_code == 302
    assert response["Location"] == _page(case)
    case.refresh_from_db()
    assert (case.status, case.resolution) == ("closed", "completed")
    event = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGED)
    assert (event.actor, event.text, event.is_public) == (
        officer,
        "We cleared the rubbish this morning.",
        True,
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam.caller@example.com"]
    assert "We cleared the rubbish this morning." in mail.outbox[0].body

    page = officer_client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page
    assert f"{case.reference} is now closed." in page
    assert "Status changed to closed" in page
    assert "Message sent" in page


def _refused(response, message: str, case: Case, *, lock_version: int = 0, events: int = 1):
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "govuk-error-message" in html
    assert message in html
    assert "<title>Error: " in html
    case.refresh_from_db()
    assert case.status == "open"
    assert case.lock_version == lock_version
    assert case.events.count() == events


def test_closing_without_a_resolution_is_refused(officer_client, waste):
    case = case_make(service=waste)

    response = officer_client.post(
        reverse("desk:case_status", args=[case.reference]),
        {"status": "closed", "public_note": "Done", "lock_version": "0"},
    )

    _refused(response, "Choose how the case was resolved before closing it.", case)
    assert 'href="#resolution"' in response.content.decode()
    assert ">Done</textarea>" in response.content.decode()  # what was typed is kept


def test_choosing_no_status_is_refused(officer_client, waste):
    case = case_make(service=waste)

    response = officer_client.post(
        reverse("desk:case_status", args=[case.reference]), {"lock_version": "0"}
    )

    _refused(response, "Select the new status", case)


def test_a_stale_lock_version_is_refused(officer_client, officer, waste):
    case = case_make(service=waste)
    case_add_note(case=case, actor=officer, text="Someone else was here", is_public=False)

    response = officer_client.post(
        reverse("desk:case_status", args=[case.reference]),
        {"status": "in_progress", "lock_version": "0"},
    )

    _refused(response, "was changed by someone else", case, lock_version=1, events=2)
    # The page shows the latest version, so the next attempt can succeed.
    assert 'name="lock_version" value="1"' in response.content.decode()


def test_a_double_submit_changes_the_case_once(officer_client, waste):
    case = case_make(service=waste)
    data = {"status": "in_progress", "lock_version": "0"}
    url = reverse("desk:case_status", args=[case.reference])

    first = officer_client.post(url, data)
    second = officer_client.post(url, data)

    assert first.status_code == 302
    assert second.status_code == 400
    html = second.content.decode()
    assert "was changed by someone else" in html
    assert "If you selected the button twice" in html
    case.refresh_from_db()
    assert case.status == "in_progress"
    assert case.events.filter(kind=CaseEvent.Kind.STATUS_CHANGED).count() == 1


def test_an_oversized_note_is_refused(officer_client, waste):
    case = case_make(service=waste)
    too_long = "x" * 5001

    by_status = officer_client.post(
        reverse("desk:case_status", args=[case.reference]),
        {"status": "in_progress", "public_note": too_long, "lock_version": "0"},
    )
    by_note = officer_client.post(
        reverse("desk:case_note", args=[case.reference]),
        {"visibility": "public", "text": too_long, "lock_version": "0"},
    )

    _refused(by_status, "A note must be 5,000 characters or fewer.", case)
    _refused(by_note, "A note must be 5,000 characters or fewer.", case)
    assert 'href="#public_note"' in by_status.content.decode()
    assert 'href="#public_update"' in by_note.content.decode()


def test_an_empty_note_is_refused(officer_client, waste):
    case = case_make(service=waste)

    response = officer_client.post(
        reverse("desk:case_note", args=[case.reference]),
        {"visibility": "internal", "text": "  ", "lock_version": "0"},
    )

    _refused(response, "Enter the note.", case)
    assert 'href="#internal_note"' in response.content.decode()


def test_an_internal_note_is_added_without_telling_the_resident(
    officer_client, waste, django_capture_on_commit_callbacks
):
    case = case_make(service=waste)

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("desk:case_note", args=[case.reference]),
            {"visibility": "internal", "text": "Known tipper", "lock_version": "0"},
        )

    assert response.status_code == 302
    note = case.events.get(kind=CaseEvent.Kind.INTERNAL_NOTE)
    assert (note.text, note.is_public) == ("Known tipper", False)
    assert mail.outbox == []


def test_a_public_note_is_emailed_to_the_resident(
    officer_client, waste, django_capture_on_commit_callbacks
):
    case = case_make(service=waste)

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("desk:case_note", args=[case.reference]),
            {"visibility": "public", "text": "A crew is on the way", "lock_version": "0"},
        )

    assert response.status_code == 302
    assert case.events.get(kind=CaseEvent.Kind.PUBLIC_NOTE).is_public
    assert len(mail.outbox) == 1
    assert "A crew is on the way" in mail.outbox[0].body


def test_staff_see_internal_photos_through_the_desk(officer_client, waste):
    case = case_make(service=waste)
    attachment = _attachment(case, is_public=False)
    url = reverse("desk:case_attachment", args=[case.reference, attachment.pk])

    response = officer_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == b"\x89PNG"
    assert url in officer_client.get(_page(case)).content.decode()


def test_get_is_the_only_way_to_read_and_post_the_only_way_to_change(officer_client, waste):
    case = case_make(service=waste)

    assert officer_client.post(_page(case)).status_code == 405
    assert officer_client.get(reverse("desk:case_status", args=[case.reference])).status_code == 405


def test_a_restricted_case_asks_why_before_it_opens_and_audits_the_reason(
    officer_client, officer, waste
):
    waste.is_sensitive = True  # as a subject access request or a complaint about staff is
    waste.save()
    case = case_make(service=waste, summary="Request for my records")
    url = f"/staff/cases/{case.reference}/"

    asked = officer_client.get(url)
    assert "Why are you opening case" in asked.content.decode()
    assert "Request for my records" not in asked.content.decode()
    assert not AuditEvent.objects.filter(object_id=case.reference).exists()

    missing = officer_client.get(url, {"why": "other", "why_other": "  "})
    assert missing.status_code == 400
    assert "Say why you are opening this case" in missing.content.decode()

    opened = officer_client.get(url, {"why": "other", "why_other": "Checking a  redaction"})
    assert "Request for my records" in opened.content.decode()
    event = AuditEvent.objects.get(object_id=case.reference, actor=officer)
    assert event.reason == "Another reason: Checking a redaction"

    # Asked once: coming back to the case soon after does not ask again.
    again = officer_client.get(url)
    assert "Request for my records" in again.content.decode()
    assert AuditEvent.objects.filter(object_id=case.reference, actor=officer).count() == 2


def test_an_ordinary_case_opens_without_asking_why(officer_client, waste):
    case = case_make(service=waste, summary="Sofa on the verge")

    assert (
        "Sofa on the verge"
        in officer_client.get(f"/staff/cases/{case.reference}/").content.decode()
    )


def test_case_page_shows_duplicates_nearby_reports_and_the_residents_other_requests(
    officer_client, officer, waste, housing
):
    resident = user_make(role=User.Role.RESIDENT)
    case = case_make(service=waste, summary="Sofa by the gate", resident=resident)
    Case.objects.filter(pk=case.pk).update(lat=51.1465, lon=0.8750)
    near = case_make(service=waste, summary="Sofa near the gate")
    Case.objects.filter(pk=near.pk).update(lat=51.1467, lon=0.8752)  # about 25 m away
    far = case_make(service=waste, summary="Sofa in town")
    Case.objects.filter(pk=far.pk).update(lat=51.1500, lon=0.8750)  # about 400 m away
    repeat = case_make(service=waste, summary="Same sofa again")
    case_merge_duplicate(duplicate=repeat, original=case, actor=officer)
    earlier = case_make(service=waste, summary="Missed bin last month", resident=resident)
    hidden = case_make(service=housing, summary="Damp in the bathroom", resident=resident)

    html = officer_client.get(f"/staff/cases/{case.reference}/").content.decode()

    linked = html.split("data-linked-cases")[1].split("</ul>")[0]
    nearby = html.split("data-nearby-cases")[1].split("</ul>")[0]
    others = html.split("data-resident-cases")[1].split("</ul>")[0]
    assert repeat.reference in linked
    assert near.reference in nearby and far.reference not in nearby
    assert earlier.reference in others
    assert hidden.reference not in html  # another department's: not for this officer
