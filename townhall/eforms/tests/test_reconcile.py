"""A form stored whose case failed to open is opened by the reconciliation sweep, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from townhall.cases.models import Case
from townhall.core.reconcile import reconcilers
from townhall.eforms import services
from townhall.eforms.models import Submission
from townhall.eforms.selectors import submissions_unopened
from townhall.portal.tests.test_journey import service, session_of, walk_fly_tip  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _stored_without_case(client, service, monkeypatch):  # noqa: F811
    session = session_of(walk_fly_tip(client, service))

    def broken(*args, **kwargs):
        raise RuntimeError("the process library is being republished")

    with monkeypatch.context() as patch:
        patch.setattr(services, "_case_from_submission", broken)
        with pytest.raises(RuntimeError):
            services.submission_submit(session=session)
    assert Submission.objects.count() == 1 and Case.objects.count() == 0
    return session


def test_a_submission_whose_case_failed_is_counted_and_opened_once_by_the_sweep(
    client,
    service,  # noqa: F811
    monkeypatch,
):
    _stored_without_case(client, service, monkeypatch)
    waiting = submissions_unopened()
    assert waiting.count == 1 and waiting.oldest is not None

    # Not yet: the resident may still be retrying.
    assert services.submissions_unopened_open(older_than=timezone.now() - timedelta(hours=1)) == 0
    assert Case.objects.count() == 0

    later = timezone.now() + timedelta(seconds=1)
    assert services.submissions_unopened_open(older_than=later) == 1
    assert services.submissions_unopened_open(older_than=later) == 0
    case = Case.objects.get()
    assert case.submission == Submission.objects.get()
    assert submissions_unopened().count == 0


def test_the_resident_retrying_after_the_sweep_gets_the_same_case(
    client,
    service,  # noqa: F811
    monkeypatch,
):
    session = _stored_without_case(client, service, monkeypatch)
    services.submissions_unopened_open(older_than=timezone.now() + timedelta(seconds=1))
    assert services.submission_submit(session=session) == Case.objects.get()


def test_forms_are_a_door_the_clock_reconciles():
    assert "forms_unopened" in {r.name for r in reconcilers()}
