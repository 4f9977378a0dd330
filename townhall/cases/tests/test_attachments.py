"""A case's files reach residents and staff as downloads (attachment, a safe name, nosniff),
never shown inline where a PDF or a crafted file could act as a page of the council's site."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseAttachment
from townhall.cases.selectors import attachment_response
from townhall.cases.services import case_create
from townhall.desk.tests.factories import user_make
from townhall.portal.tests.fixtures import make_resident, make_service

pytestmark = pytest.mark.django_db


def _attach(case: Case, *, name: str, content_type: str, data: bytes) -> CaseAttachment:
    attachment = CaseAttachment(
        case=case,
        original_name=name,
        content_type=content_type,
        extension=".pdf",
        size=len(data),
        is_public=True,
    )
    attachment.file.save("stored.bin", ContentFile(data), save=False)
    attachment.save()
    return attachment


def test_a_pdf_is_served_as_an_attachment_named_after_the_case():
    case = case_create(service=make_service(), summary="Letter", resident=make_resident())
    pdf = _attach(case, name="Landlord letter.pdf", content_type="application/pdf", data=b"%PDF")
    response = attachment_response(case, pdf.pk)
    assert response["Content-Disposition"] == (
        f'attachment; filename="{case.reference}-Landlord-letter.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF"


def test_a_hostile_original_name_cannot_reach_the_header_or_pick_the_extension():
    case = case_create(service=make_service(), summary="Photo", resident=make_resident())
    photo = _attach(
        case, name='../x"\r\nRefresh: 0;url=evil.html', content_type="image/png", data=b"\x89PNG"
    )
    disposition = attachment_response(case, photo.pk)["Content-Disposition"]
    assert disposition == f'attachment; filename="{case.reference}-x-Refresh-0-url-evil.png"'


def test_residents_and_staff_both_download_rather_than_view():
    resident = make_resident()
    service = make_service()
    case = case_create(service=service, summary="Letter", resident=resident)
    pdf = _attach(case, name="letter.pdf", content_type="application/pdf", data=b"%PDF")
    portal = Client()
    portal.force_login(resident)
    mine = portal.get(reverse("portal:attachment", args=[case.reference, pdf.pk]))
    assert mine.status_code == 200
    assert mine["Content-Disposition"].startswith("attachment; ")
    officer = user_make(role=User.Role.ADMIN)
    desk = Client()
    desk.force_login(officer)
    staff = desk.get(reverse("desk:case_attachment", args=[case.reference, pdf.pk]))
    assert staff.status_code == 200
    assert staff["Content-Disposition"].startswith("attachment; ")
    assert staff["X-Content-Type-Options"] == "nosniff"
