"""Every message a case sends its resident, in Welsh for a Welsh case (issue 20): each kind of
every service with templates of its own (and the default), compared with its English render
the way the portal's Welsh crawl compares pages: a sentence left in English fails."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from townhall.accounts.models import Department
from townhall.cases.models import Case, CaseEvent
from townhall.cases.notifications import (
    NOTIFYING_KINDS,
    SMS_MAX_LENGTH,
    case_link,
    notification_render,
)
from townhall.cases.services import case_add_note, case_change_status, case_create
from townhall.catalogue.models import Service

pytestmark = pytest.mark.django_db

ROOT = Path(settings.TEMPLATES[0]["DIRS"][0]) / "notifications"
# Every service with templates of its own, and one with none (the default's).
SLUGS = sorted(p.name for p in ROOT.iterdir() if p.is_dir() and p.name != "default") + [
    "a-service-with-no-templates"
]
ENGLISH_MONTHS = [date(2026, m, 1).strftime("%B") for m in range(1, 13)]


def _service(slug: str) -> Service:
    department, _ = Department.objects.get_or_create(name="Street scene", slug="street-scene")
    return Service.objects.create(
        name="Report a thing",
        name_cy="Rhoi gwybod am rywbeth",
        slug=slug,
        summary="x",
        department=department,
        reference_prefix="TH",
        sla_days=5,
    )


def _event(case: Case, kind: str, officer) -> CaseEvent:
    if kind == CaseEvent.Kind.STATUS_CHANGED:
        # Closed and completed: the fullest message (outcome and closing words).
        case_change_status(
            case=case, actor=officer, status="closed", resolution="completed", notify=False
        )
    elif kind == CaseEvent.Kind.PUBLIC_NOTE:
        case_add_note(case=case, actor=officer, text="Olive's words.", is_public=True)
    return case.events.filter(kind=kind).latest("at", "id")


def _sentences(text: str, known: list[str]) -> set[str]:
    """The text's sentences with words in them, once the values filled in are taken out."""
    for value in known:
        text = text.replace(value, " ")
    parts = re.split(r"[.:;?!()\n]+", text)
    return {p.strip() for p in parts if len(re.findall(r"[A-Za-zÀ-ÿŵŷ]{3,}", p)) >= 2}


def _render(slug: str, language: str, officer) -> dict[str, tuple[Case, object]]:
    service = Service.objects.filter(slug=slug).first() or _service(slug)
    rendered = {}
    for kind in sorted(NOTIFYING_KINDS):
        case = case_create(
            service=service,
            summary="Bags by the bins",
            location_text="Mill Lane",
            contact_name="Rhys Jones",
            contact_email="rhys@example.com",
            language=language,
            notify=False,
        )
        rendered[kind] = (case, notification_render(_event(case, kind, officer)))
    return rendered


@pytest.mark.parametrize("slug", SLUGS)
def test_every_message_of_the_service_is_welsh_for_a_welsh_case(slug, django_user_model):
    officer = django_user_model.objects.create_user(
        email="olive@example.gov.uk", password="x-long-password-1", role="officer"
    )
    english = _render(slug, "en", officer)
    welsh = _render(slug, "cy", officer)
    for kind in NOTIFYING_KINDS:
        en_case, en = english[kind]
        cy_case, cy = welsh[kind]
        assert cy_case.language == "cy"
        known = [
            en_case.reference,
            cy_case.reference,
            case_link(en_case),
            case_link(cy_case),
            settings.COUNCIL_NAME,
            "Rhys Jones",
            "Mill Lane",
            "Olive's words",
        ]
        cy_text = f"{cy.subject}\n{cy.body}"
        left_in_english = _sentences(cy_text, known) & _sentences(f"{en.subject}\n{en.body}", known)
        assert left_in_english == set(), (slug, kind)
        # Placeholders filled: the reference, the resident's name and link are there.
        assert cy_case.reference in cy.subject, (slug, kind)
        assert "Annwyl Rhys Jones," in cy.body and case_link(cy_case) in cy.body
        assert "{{" not in cy_text and "{%" not in cy_text and "None" not in cy_text
        # Dates in Welsh: no English month, and the due date as Welsh writes it where it shows.
        # (Not in the link: its random token may hold "May".)
        words = cy_text.replace(case_link(cy_case), " ")
        assert not [m for m in ENGLISH_MONTHS if re.search(rf"\b{m}\b", words)], (slug, kind)
        with translation.override("cy"):
            due = date_format(timezone.localtime(cy_case.due_at), "j F Y")
        if date_format(timezone.localtime(en_case.due_at), "j F Y") in en.body:
            assert (
                due in cy_text
                or date_format(timezone.localtime(cy_case.due_at), "l j F").split()[-1] in cy_text
            ), (slug, kind)
        # The text message is Welsh too, and Notify would take it.
        assert cy.sms.startswith(f"{settings.COUNCIL_NAME}: {cy.subject}")
        assert cy.sms != en.sms.replace(en_case.reference, cy_case.reference)
        assert len(cy.sms) <= SMS_MAX_LENGTH


def test_every_english_template_of_a_service_has_its_welsh_one():
    """So a Welsh case never falls to the generic Welsh text while English readers of the same
    service get its own words (a new service's template must come in both)."""
    english = {p for p in ROOT.glob("*/*.txt") if not p.name.endswith(".cy.txt")}
    missing = [p for p in english if not p.with_name(p.name[:-4] + ".cy.txt").exists()]
    assert missing == []


def test_a_long_subject_still_fits_a_text_message(settings, tmp_path):
    """A council's own template may have a long first line: the text is cut, the link kept."""
    (tmp_path / "notifications" / "report-a-long-thing").mkdir(parents=True)
    (tmp_path / "notifications" / "report-a-long-thing" / "created.cy.txt").write_text(
        "Adroddiad " * 120 + "\nAnnwyl {{ name }},\n"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    case = case_create(
        service=_service("report-a-long-thing"),
        summary="x",
        contact_email="a@example.com",
        language="cy",
        notify=False,
    )
    sms = notification_render(case.events.get(kind=CaseEvent.Kind.CREATED)).sms
    assert len(sms) <= SMS_MAX_LENGTH and sms.endswith(f"… {case_link(case)}")
    assert sms.startswith(f"{settings.COUNCIL_NAME}: Adroddiad Adroddiad")
