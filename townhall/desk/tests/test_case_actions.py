"""Assign, reopen, merge a duplicate, attach files: each through its service, each refused
with a clear message when it cannot be done."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseAttachment
from townhall.cases.services import case_change_status
from townhall.desk.tests.factories import case_make, user_make
from townhall.portal.tests.fixtures import photo_bytes

pytestmark = pytest.mark.django_db


def _follow(client, url, data):
    return client.post(url, data, follow=True).content.decode()


def test_an_officer_assigns_within_the_department_only(officer_client, officer, waste, housing):
    case = case_make(service=waste)
    colleague = user_make(
        role=User.Role.OFFICER, departments=[waste.department], full_name="Colin Colleague"
    )
    outsider = user_make(role=User.Role.OFFICER, departments=[housing.department])
    url = f"/staff/cases/{case.reference}/assign/"
    page = officer_client.get(f"/staff/cases/{case.reference}/").content.decode()
    assert "Colin Colleague" in page and outsider.full_name not in page
    html = _follow(
        officer_client, url, {"assignee": outsider.pk, "lock_version": case.lock_version}
    )
    assert "choose someone from that department" in html
    case.refresh_from_db()
    assert case.assigned_to is None
    html = _follow(
        officer_client, url, {"assignee": colleague.pk, "lock_version": case.lock_version}
    )
    case.refresh_from_db()
    assert case.assigned_to == colleague and "assigned to Colin Colleague" in html
    stale = _follow(officer_client, url, {"assignee": "", "lock_version": 0})
    assert "changed by someone else" in stale
    case.refresh_from_db()
    assert case.assigned_to == colleague


def test_a_closed_case_is_reopened_with_a_reason_the_resident_sees(officer_client, waste):
    case = case_make(service=waste)
    url = f"/staff/cases/{case.reference}/reopen/"
    assert "Only a closed case" in _follow(officer_client, url, {"reason": "x", "lock_version": 0})

    case = case_change_status(case=case, actor=None, status="closed", resolution="completed")
    html = _follow(officer_client, url, {"reason": "", "lock_version": case.lock_version})
    assert "Say why" in html
    _follow(officer_client, url, {"reason": "The tip is back.", "lock_version": case.lock_version})
    case.refresh_from_db()
    assert case.status == "in_progress" and case.closed_at is None
    assert case.events.filter(is_public=True, text="The tip is back.").exists()


def test_a_duplicate_is_merged_into_the_original_and_both_say_so(officer_client, waste, housing):
    original = case_make(service=waste)
    duplicate = case_make(service=waste)
    theirs = case_make(service=housing)
    url = f"/staff/cases/{duplicate.reference}/merge/"
    lock = {"lock_version": duplicate.lock_version}
    assert "that you can see" in _follow(
        officer_client, url, {"original": theirs.reference, **lock}
    )
    assert "of itself" in _follow(officer_client, url, {"original": duplicate.reference, **lock})
    _follow(officer_client, url, {"original": original.reference.lower(), **lock})
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.resolution) == ("closed", Case.Resolution.DUPLICATE)
    assert duplicate.events.filter(is_public=True, text__contains=original.reference).exists()
    assert original.events.filter(text__contains=duplicate.reference).exists()


def test_files_are_checked_by_content_and_kept_internal_unless_chosen(officer_client, waste):
    case = case_make(service=waste)
    url = f"/staff/cases/{case.reference}/attach/"
    bad = SimpleUploadedFile("notes.pdf", b"MZ not a pdf at all")
    assert "not a photo" in _follow(officer_client, url, {"files": [bad]})
    assert "Choose a file" in _follow(officer_client, url, {})
    photo = SimpleUploadedFile("after.jpg", photo_bytes(), content_type="image/jpeg")
    _follow(officer_client, url, {"files": [photo], "visibility": "internal"})
    public = SimpleUploadedFile("for-you.jpg", photo_bytes(), content_type="image/jpeg")
    _follow(officer_client, url, {"files": [public], "visibility": "public", "note": "Before."})
    stored = dict(
        CaseAttachment.objects.filter(case=case).values_list("original_name", "is_public")
    )
    assert stored == {"after.jpg": False, "for-you.jpg": True}


def test_another_departments_case_cannot_be_acted_on(officer_client, housing):
    theirs = case_make(service=housing)
    for action in ("assign", "reopen", "merge", "attach"):
        response = officer_client.post(f"/staff/cases/{theirs.reference}/{action}/", {})
        assert response.status_code == 404


def test_an_officer_messages_the_resident_from_a_template(
    officer_client, waste, mailoutbox, django_capture_on_commit_callbacks
):
    case = case_make(service=waste)
    url = f"/staff/cases/{case.reference}/message/"
    assert "Choose a message" in _follow(officer_client, url, {"template": "nope"})
    with django_capture_on_commit_callbacks(execute=True):
        _follow(officer_client, url, {"template": "photo", "extra": "Thank you."})
    event = case.events.get(kind="public_note")
    assert event.text.startswith(f"A photo would help us deal with your request {case.reference}")
    assert event.text.endswith("Thank you.")
    assert [m.to for m in mailoutbox] == [[case.contact_email]]


def test_staff_reply_to_a_welsh_case_in_welsh(
    officer_client, waste, mailoutbox, django_capture_on_commit_callbacks
):
    from townhall.cases.messages import MESSAGE_TEMPLATES, MESSAGE_TEMPLATES_CY

    assert MESSAGE_TEMPLATES_CY.keys() == MESSAGE_TEMPLATES.keys()  # every standard reply
    case = case_make(service=waste, language="cy")
    page = officer_client.get(f"/staff/cases/{case.reference}/").content.decode()
    # Everywhere staff write to the resident: the standard message, an update, a status note.
    assert page.count("Asked in Welsh: sent in Welsh (Cymraeg)") == 3
    assert "Write the update in Welsh." in page and "Write the note in Welsh." in page
    english = case_make(service=waste)
    page = officer_client.get(f"/staff/cases/{english.reference}/").content.decode()
    assert "Asked in Welsh" not in page
    url = f"/staff/cases/{case.reference}/message/"
    with django_capture_on_commit_callbacks(execute=True):
        _follow(officer_client, url, {"template": "no_access", "extra": "Diolch."})
    event = case.events.get(kind="public_note")
    assert event.text.startswith(f"Aethom ati i ddelio â’ch cais {case.reference}")
    assert event.text.endswith("Diolch.")
    # The email around it is Welsh too: subject, greeting, link's words, sign-off.
    (email,) = mailoutbox
    assert email.subject == f"Diweddariad ar eich cais {case.reference}"
    assert email.body.startswith("Annwyl Sam Caller,")
    assert "Gweld hanes llawn eich cais:" in email.body and "Dear" not in email.body


def test_a_refused_action_shows_the_case_page_again_with_its_field_error(officer_client, waste):
    case = case_make(service=waste)
    url = f"/staff/cases/{case.reference}/merge/"
    response = officer_client.post(url, {"original": "nope-1", "lock_version": 0})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#original">No case NOPE-1 that you can see.</a>' in html  # the summary
    assert 'id="original-error"' in html and 'value="nope-1"' in html  # the field, as typed
    assert Case.objects.get(pk=case.pk).status == Case.Status.OPEN


def test_a_made_up_assignee_or_message_is_refused_by_the_form(officer_client, waste):
    case = case_make(service=waste)
    base = f"/staff/cases/{case.reference}"
    assign = officer_client.post(f"{base}/assign/", {"assignee": "x", "lock_version": 0})
    assert assign.status_code == 400
    assert '<a href="#assignee">Choose someone from the list.</a>' in assign.content.decode()
    sent = officer_client.post(f"{base}/message/", {"template": "bribe"})
    assert '<a href="#template">Choose a message to send.</a>' in sent.content.decode()


def test_more_files_than_allowed_are_refused_before_any_is_read(officer_client, waste):
    case = case_make(service=waste)
    files = [SimpleUploadedFile(f"p{n}.png", photo_bytes()) for n in range(6)]
    response = officer_client.post(f"/staff/cases/{case.reference}/attach/", {"files": files})
    assert '<a href="#files">Attach at most 5 files.</a>' in response.content.decode()
    assert not CaseAttachment.objects.filter(case=case).exists()
