"""Per-service notification templates: every public demo service says something specific."""

import pytest

from townhall.accounts.models import Department
from townhall.cases.models import CaseEvent
from townhall.cases.notifications import notification_render
from townhall.cases.services import case_change_status, case_create
from townhall.catalogue.models import Service
from townhall.demo.council import demo_services_data

pytestmark = pytest.mark.django_db

# Public services that make a case (information services and eligibility checkers make none).
PUBLIC = [s for s in demo_services_data() if s["audience"] == "public" and s["kind"] == "request"]


def make_service(demo) -> Service:
    department = Department.objects.create(name=demo["department"], slug=demo["slug"][:50])
    return Service.objects.create(
        name=demo["name"]["en"],
        slug=demo["slug"],
        summary=demo["summary"]["en"],
        department=department,
        reference_prefix=demo["reference_prefix"],
        sla_days=demo["sla"]["days"],
    )


@pytest.mark.parametrize("demo", PUBLIC, ids=[s["slug"] for s in PUBLIC])
def test_each_public_service_has_its_own_confirmation_email(demo):
    case = case_create(
        service=make_service(demo),
        summary=demo["name"]["en"],
        contact_name="Ann Resident",
        contact_email="ann@example.com",
        notify=False,
    )
    rendered = notification_render(case.events.get(kind=CaseEvent.Kind.CREATED))
    assert case.reference in rendered.subject
    assert "We have received your request: " not in rendered.body  # not the generic text
    assert "Dear Ann Resident," in rendered.body
    assert case.reference in rendered.body


def test_plain_text_emails_are_not_html_escaped(django_user_model):
    demo = next(s for s in PUBLIC if s["slug"] == "make-a-complaint")
    case = case_create(
        service=make_service(demo), summary="x", contact_email="a@example.com", notify=False
    )
    officer = django_user_model.objects.create_user(
        email="o@example.gov.uk", password="x-long-password-1", role="officer"
    )
    case_change_status(
        case=case,
        actor=officer,
        status="closed",
        resolution="completed",
        public_note="We've spoken to the council's contractor & fixed it.",
        notify=False,
    )
    event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.STATUS_CHANGED)
    rendered = notification_render(event)  # loads the case as it is now
    assert "We've spoken to the council's contractor & fixed it." in rendered.body
    assert "stage 2 review" in rendered.body
