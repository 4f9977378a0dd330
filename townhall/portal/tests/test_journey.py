"""A resident's whole journey over real HTTP (Django's test client): report, confirm,
track, comment; idempotency; privacy between residents; bad input."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

import townhall.eforms.services as eforms_services
from townhall.cases.models import Case, CaseEvent
from townhall.cases.services import case_change_status, case_create
from townhall.eforms.models import FormSession, Submission, UploadedFile
from townhall.portal.tests.fixtures import make_resident, make_service, make_street, photo_bytes

# transaction=True so on_commit side effects (emails queued for the worker) really run.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def service():
    make_street()
    return make_service()


def begin(client, service):
    response = client.post(reverse("portal:form_begin", args=[service.slug]))
    assert response.status_code == 302
    return response["Location"]


def session_of(url):
    return FormSession.objects.get(pk=re.search(r"/([0-9a-f-]{36})/", url).group(1))


def walk_fly_tip(client, service, asbestos=False, email="guest@example.com"):
    url = begin(client, service)
    assert url.endswith("/photos/")
    jpeg = SimpleUploadedFile(
        "tip.jpg", photo_bytes(gps=(51.1465, 0.8752)), content_type="image/jpeg"
    )
    r = client.post(url, {"photos": [jpeg], "action": "continue"})
    assert r.status_code == 302 and r["Location"].endswith("/where/")
    r = client.post(r["Location"], {"where-lat": "51.14655", "where-lon": "0.87510"})
    assert r.status_code == 302 and r["Location"].endswith("/what/")
    waste = ["bags", "asbestos"] if asbestos else ["bags"]
    r = client.post(r["Location"], {"waste": waste})
    assert r.status_code == 302
    if asbestos:
        assert r["Location"].endswith("/risk/")
        r = client.post(r["Location"], {"risk": "no"})
    else:
        assert r["Location"].endswith("/size/")
        r = client.post(r["Location"], {"size": "van"})
    r = client.post(r["Location"], {"details": "Black bags <b>behind</b> the shops"})
    if "your-details" in r["Location"]:
        r = client.post(
            r["Location"],
            {"contact_name": "Gwen Guest", "contact_email": email, "contact_phone": "07700 900982"},
        )
    assert r["Location"].endswith("/check/")
    return r["Location"]


def test_guest_reports_fly_tipping_and_tracks_it_from_the_email(client, service):
    check_url = walk_fly_tip(client, service)
    page = client.get(check_url)
    assert b"Check your answers" in page.content
    assert b"Household bags" in page.content and b"Near Bank Street" in page.content

    done = client.post(check_url, follow=True)
    case = Case.objects.get()
    assert case.reference.startswith("FT-") and case.reference.encode() in done.content
    assert case.channel == "web" and case.contact_email == "guest@example.com"
    assert case.usrn == "70001001" and case.lat == pytest.approx(51.14655)
    assert case.summary == "Household bags"
    assert case.attachments.count() == 1
    assert done["Cache-Control"] == "no-store"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert case.reference in message.subject and message.to == ["guest@example.com"]
    track_url = re.search(r"http\S+/track/\S+/", message.body).group(0)
    tracked = client.get(track_url.split("8000", 1)[-1])
    assert tracked.status_code == 200 and case.reference.encode() in tracked.content
    # script typed into a field is shown as text, never run
    assert b"&lt;b&gt;behind&lt;/b&gt;" in tracked.content


def test_double_submit_and_retried_post_make_one_case(client, service):
    check_url = walk_fly_tip(client, service)
    first = client.post(check_url)
    second = client.post(check_url)
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1 and Submission.objects.count() == 1
    assert len(mail.outbox) == 1


def test_branching_on_checkbox_answer_asks_about_risk(client, service):
    check_url = walk_fly_tip(client, service, asbestos=True)
    client.post(check_url)
    case = Case.objects.get()
    assert case.submission.answers["risk"] == "no"
    assert "size" not in case.submission.answers


def test_photo_gps_is_read_then_stripped_from_the_stored_photo(client, service):
    url = begin(client, service)
    jpeg = SimpleUploadedFile(
        "tip.jpg", photo_bytes(gps=(51.1465, 0.8752)), content_type="image/jpeg"
    )
    client.post(url, {"photos": [jpeg]})
    stored = UploadedFile.objects.get()
    assert stored.gps_lat == pytest.approx(51.1465, abs=1e-4)
    with stored.file.open("rb") as fh:
        image = Image.open(fh)
        assert dict(image.getexif()) == {}
    where = client.get(url.replace("/photos/", "/where/"))
    assert b"data-suggested-lat" in where.content


def test_a_text_file_renamed_jpg_is_refused_with_a_clear_message(client, service):
    url = begin(client, service)
    fake = SimpleUploadedFile("tip.jpg", b"MZ this is not an image", content_type="image/jpeg")
    r = client.post(url, {"photos": [fake]})
    assert r.status_code == 200
    assert b"tip.jpg is not a photo we can read" in r.content
    assert b"govuk-error-summary" in r.content
    assert UploadedFile.objects.count() == 0


def test_oversized_upload_is_refused(client, service, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    url = begin(client, service)
    big = SimpleUploadedFile(
        "big.jpg", photo_bytes(size=(800, 800)) + b"0" * 2000, content_type="image/jpeg"
    )
    r = client.post(url, {"photos": [big]})
    assert b"must be smaller than" in r.content
    assert UploadedFile.objects.count() == 0


def test_missing_answers_show_error_summary_and_change_nothing(client, service):
    url = begin(client, service)
    r = client.post(url, {})  # photos are optional
    r = client.post(r["Location"], {"where-query": ""})
    assert r.status_code == 200
    assert b"Error: " in r.content and b"Enter a street name or postcode" in r.content
    assert Case.objects.count() == 0


def test_location_without_javascript_by_postcode(client, service):
    url = begin(client, service)
    where = client.post(url, {})["Location"]
    r = client.post(where, {"where-query": "tn23 1aa", "action": "find"})
    assert b"Select the place" in r.content and b"1 Bank Street" in r.content
    uprn = "901001000002"
    r = client.post(where, {"where-choice": f"uprn:{uprn}"})
    assert r.status_code == 302
    assert session_of(where).answers["where"]["uprn"] == uprn


def test_location_outside_the_borough_is_refused(client, service):
    url = begin(client, service)
    where = client.post(url, {})["Location"]
    r = client.post(where, {"where-lat": "53.48", "where-lon": "-2.24"})
    assert b"outside the borough" in r.content


def test_pages_cannot_be_skipped_by_url(client, service):
    url = begin(client, service)
    r = client.get(url.replace("/photos/", "/details/"))
    assert r.status_code == 302 and r["Location"].endswith("/photos/")


def test_someone_elses_form_session_is_not_found(client, service):
    url = begin(client, service)
    from django.test import Client

    assert Client().get(url).status_code == 404


def test_signed_in_resident_tracks_request_and_sees_status_change(client, service):
    resident = make_resident()
    client.force_login(resident)
    url = begin(client, service)
    r = client.post(url, {})
    r = client.post(r["Location"], {"where-lat": "51.14655", "where-lon": "0.87510"})
    r = client.post(r["Location"], {"waste": ["furniture"]})
    r = client.post(r["Location"], {"size": "bag"})
    r = client.post(r["Location"], {"details": ""})
    assert r["Location"].endswith("/check/")  # no contact page: the account has the details
    client.post(r["Location"])
    case = Case.objects.get()
    assert case.resident == resident and case.contact_email == resident.email

    listing = client.get(reverse("portal:my_account"))
    assert case.reference.encode() in listing.content
    assert listing["Cache-Control"] == "no-store"

    officer = make_resident(email="officer@example.gov.uk", role="officer")
    case_change_status(
        case=case, actor=officer, status="in_progress", public_note="A crew is on the way."
    )
    detail = client.get(reverse("portal:request_detail", args=[case.reference]))
    assert b"In progress" in detail.content and b"A crew is on the way." in detail.content
    assert [m.to for m in mail.outbox] == [[resident.email], [resident.email]]
    assert "in progress" in mail.outbox[1].subject
    assert CaseEvent.objects.filter(case=case, kind="message_sent").count() == 2


def test_resident_cannot_see_another_residents_request(client, service):
    owner = make_resident()
    other = make_resident(email="other@example.com")

    case = case_create(service=service, summary="Sofa", resident=owner, contact_email=owner.email)
    client.force_login(other)
    assert client.get(reverse("portal:request_detail", args=[case.reference])).status_code == 404
    assert client.get(reverse("portal:attachment", args=[case.reference, 1])).status_code == 404
    assert client.get(reverse("portal:track", args=["x" * 32])).status_code == 404


def test_resident_comment_with_photo_once_per_click(client, service):
    resident = make_resident()

    case = case_create(
        service=service, summary="Sofa", resident=resident, contact_email=resident.email
    )
    client.force_login(resident)
    url = reverse("portal:request_detail", args=[case.reference])
    photo = photo_bytes(fmt="PNG")
    for _ in range(2):
        r = client.post(
            url,
            {
                "comment": "It is still there",
                "nonce": "abc123",
                "photos": [SimpleUploadedFile("more.png", photo, content_type="image/png")],
            },
        )
        assert r.status_code == 302
    assert case.events.filter(kind="resident_comment").count() == 1
    assert case.attachments.count() == 1


def test_service_search_and_a_to_z(client, service):
    assert b"Report fly-tipping" in client.get(reverse("portal:home")).content
    found = client.get(reverse("portal:services"), {"q": "rubbish dumped"})
    assert b"Report fly-tipping" in found.content
    nothing = client.get(reverse("portal:services"), {"q": "zebra crossing"})
    assert b"0 services found" in nothing.content


def test_a_failure_opening_the_case_keeps_the_submission_and_a_retry_finishes(
    client, service, monkeypatch
):
    check_url = walk_fly_tip(client, service)
    real = eforms_services.case_create

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(eforms_services, "case_create", broken)
    with pytest.raises(RuntimeError):
        client.post(check_url)
    assert Submission.objects.count() == 1 and Case.objects.count() == 0

    monkeypatch.setattr(eforms_services, "case_create", real)
    done = client.get(check_url.replace("/check/", "/done/"))
    assert done.status_code == 200
    assert Case.objects.count() == 1 and Case.objects.get().submission == Submission.objects.get()


def test_saved_form_is_listed_as_a_draft_until_it_is_sent(client, service):
    resident = make_resident()
    client.force_login(resident)
    url = begin(client, service)
    r = client.post(url, {"action": "save"})
    assert session_of(url).saved_for_later
    listing = client.get(reverse("portal:my_account"))
    assert b"Forms you have not finished" in listing.content
    r = client.post(url, {})
    r = client.post(r["Location"], {"where-lat": "51.14655", "where-lon": "0.87510"})
    r = client.post(r["Location"], {"waste": ["furniture"]})
    r = client.post(r["Location"], {"size": "bag"})
    r = client.post(r["Location"], {"details": ""})
    client.post(r["Location"])
    assert Case.objects.filter(resident=resident).count() == 1
    assert not session_of(url).saved_for_later
    assert b"Forms you have not finished" not in client.get(reverse("portal:my_account")).content
