"""The live-form check and the catalogue cache receiver, both owned by eforms."""

import pytest
from django.core.cache import cache
from django.core.checks import run_checks

from townhall.catalogue.selectors import service_start_content, services_public_list
from townhall.eforms.models import FormVersion
from townhall.portal.tests.fixtures import make_service

pytestmark = pytest.mark.django_db


def _live_form_errors() -> list[str]:
    return [m.msg for m in run_checks() if m.id == "townhall.E001"]


def test_a_published_service_without_a_published_form_fails_the_check():
    service = make_service()
    assert _live_form_errors() == []

    FormVersion.objects.filter(form=service.form).update(status=FormVersion.Status.DRAFT)
    assert _live_form_errors() == [
        "Service 'Report fly-tipping' is published but has no published form."
    ]

    service.is_published = False
    service.save()
    assert _live_form_errors() == []


def test_a_published_information_service_needs_no_form():
    service = make_service()
    service.form = None
    service.kind = service.Kind.INFORMATION
    service.save()
    assert _live_form_errors() == []
    service.kind = service.Kind.REQUEST
    service.save()
    assert _live_form_errors() == [
        "Service 'Report fly-tipping' is published but has no published form."
    ]


def test_a_new_form_version_clears_the_catalogue_cache(django_capture_on_commit_callbacks):
    service = make_service()
    cache.clear()
    services_public_list()
    service_start_content(service)
    assert cache.get("catalogue:public") is not None
    assert cache.get(f"catalogue:start:{service.pk}") is not None

    live = FormVersion.objects.get(form=service.form)
    with django_capture_on_commit_callbacks(execute=True):
        FormVersion.objects.create(form=service.form, number=2, definition=live.definition)

    assert cache.get("catalogue:public") is None
    assert cache.get(f"catalogue:start:{service.pk}") is None


def test_fee_rules_that_do_not_fit_the_live_form_are_warned_of():
    service = make_service()
    service.fee_rules = [{"kind": "per_option", "label": "By size", "field": "waste",
                          "prices": {"bags": 500}}]  # fmt: skip
    service.save(update_fields=["fee_rules"])
    assert [m for m in run_checks() if m.id == "townhall.W001"] == []

    service.fee_rules = [{"kind": "per_item", "label": "Bins", "field": "bins", "pence": 5200}]
    service.save(update_fields=["fee_rules"])
    assert [m.msg for m in run_checks() if m.id == "townhall.W001"] == [
        "Service 'Report fly-tipping': its fee rules do not fit its live form "
        "(/fee_rules/0/field: the form asks no question 'bins'); its cases pay the flat fee."
    ]
