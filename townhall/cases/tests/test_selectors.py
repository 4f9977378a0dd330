"""My Account's lists come from one hand-written query: check what it returns on each database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from townhall.cases.models import Case
from townhall.cases.services import _MyAccountForget, case_change_status, case_create
from townhall.eforms.models import FormSession
from townhall.eforms.selectors import my_account_lists
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


@pytest.mark.django_db(transaction=True)
def test_my_account_lists_are_kept_until_the_residents_cases_or_saved_forms_change(
    client, settings
):
    from django.urls import reverse

    settings.MY_ACCOUNT_KEEP_SECONDS = 600  # as with Redis; one test process shares its cache

    service = make_service()
    resident = make_resident()
    client.force_login(resident)
    url = reverse("portal:my_account")
    assert b"You have not sent us any requests yet" in client.get(url).content

    case = case_create(service=service, summary="Sofa", resident=resident)
    assert case.reference.encode() in client.get(url).content  # a new case drops the kept page

    Case.objects.filter(pk=case.pk).update(summary="Changed behind the page's back")
    assert b"Changed behind" not in client.get(url).content  # kept: no save announced it

    officer = make_resident(email="officer@example.gov.uk", role="officer")
    case_change_status(case=case, actor=officer, status="in_progress")
    page = client.get(url).content
    assert b"In progress" in page and b"Changed behind" in page  # so does a change of status

    FormSession.objects.create(
        form_version=service.form.versions.get(),
        service=service,
        user=resident,
        saved_for_later=True,
    )
    assert b"Forms you have not finished" in client.get(url).content

    # Another resident's change leaves this resident's kept page alone, and never shows there.
    neighbour = make_resident(email="neighbour@example.com")
    other = case_create(service=service, summary="Not mine", resident=neighbour)
    assert other.reference.encode() not in client.get(url).content


def test_saving_a_residents_case_twice_in_one_transaction_drops_their_lists_once(
    django_capture_on_commit_callbacks,
):
    service = make_service()
    resident = make_resident()
    neighbour = make_resident(email="neighbour@example.com")
    with django_capture_on_commit_callbacks() as callbacks:
        case = case_create(service=service, summary="Sofa", resident=resident)
        case.save()
        case_create(service=service, summary="Chair", resident=neighbour)
    forgets = [c for c in callbacks if isinstance(c, _MyAccountForget)]
    assert sorted(f.user_id for f in forgets) == sorted([resident.pk, neighbour.pk])
