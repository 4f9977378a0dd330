"""My Account's lists come from one hand-written query: check what it returns on each database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from townhall.cases.models import Case
from townhall.cases.selectors import my_account_lists
from townhall.cases.services import case_create
from townhall.eforms.models import FormSession
from townhall.portal.tests.fixtures import make_resident, make_service

pytestmark = pytest.mark.django_db


def test_my_account_lists_hold_only_this_residents_requests_and_drafts_newest_first():
    service = make_service()
    resident = make_resident()
    neighbour = make_resident(email="neighbour@example.com")
    now = timezone.now()
    older = case_create(
        service=service, summary="Sofa", resident=resident, received_at=now - timedelta(days=3)
    )
    newer = case_create(service=service, summary="Mattress", resident=resident, received_at=now)
    case_create(service=service, summary="Not mine", resident=neighbour)
    draft = FormSession.objects.create(
        form_version=service.form.versions.get(),
        service=service,
        user=resident,
        saved_for_later=True,
    )
    FormSession.objects.create(
        form_version=service.form.versions.get(), service=service, user=resident
    )  # started, never saved for later: not a draft

    cases, drafts = my_account_lists(resident)

    assert [c.reference for c in cases] == [newer.reference, older.reference]
    assert cases[0].summary == "Mattress" and cases[0].status == Case.Status.OPEN
    assert cases[0].service_name == service.name
    assert cases[1].created_at == Case.objects.get(pk=older.pk).created_at
    assert [(d.pk, d.service_slug, d.service_name) for d in drafts] == [
        (draft.pk, service.slug, service.name)
    ]
    assert drafts[0].updated_at == FormSession.objects.get(pk=draft.pk).updated_at
    assert my_account_lists(make_resident(email="new@example.com")) == ([], [])
