"""A fee worked out from the answers by the service's fee rules is the one charged: kept with
the submission when the form is sent, charged through the Pay sandbox, recorded as due at the
desk, and never changed by a later change of the rules."""

import pytest

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.catalogue.models import Service
from townhall.eforms.services import form_session_start, submission_fee, submission_submit
from townhall.payments.models import Payment
from townhall.payments.services import (
    case_fee_pence,
    fee_due_record,
    payment_refresh,
    payment_start,
)
from townhall.portal.payment_views import payment_needed
from townhall.workflow.tests.helpers import case_open

pytestmark = pytest.mark.django_db
GARDEN = "subscribe-to-garden-waste-collection"
SUCCESS = "4444333322221111"


def _sent(service: Service, *, bins: int, concession: str) -> Case:
    """The garden waste form sent by a resident with an account (no contact page)."""
    resident = User.objects.create_user(f"r{bins}{concession}@example.com", "Garden-pass-1")
    session = form_session_start(service=service, user=resident)
    session.answers = {
        "address": {"uprn": "100062000001", "text": "1 High Street", "postcode": "TN23 1AA"},
        "bins": bins,
        "concession": concession,
        "has_bin": "yes",
        "start": "now",
        "terms": True,
    }
    session.save(update_fields=["answers"])
    return submission_submit(session=session)


def test_the_fee_is_worked_out_when_the_form_is_sent_and_kept_with_it(catalogue):
    case = _sent(catalogue[GARDEN], bins=3, concession="yes")
    submission = case.submission
    assert submission is not None
    assert submission.fee_pence == 7800
    assert submission.fee_lines == [
        {"label": "Garden waste subscription, £52 a year for each bin",
         "label_cy": "Tanysgrifiad gwastraff gardd, £52 y flwyddyn am bob bin", "pence": 15600},
        {"label": "Concession, half price", "label_cy": "Consesiwn, hanner pris", "pence": -7800},
    ]  # fmt: skip
    assert case_fee_pence(case) == 7800 and payment_needed(case)


def test_the_worked_out_fee_is_charged_through_pay(catalogue, pay_sandbox):
    case = _sent(catalogue[GARDEN], bins=2, concession="no")
    payment = payment_start(case=case, return_url=lambda p: "http://testserver/r")
    assert payment.amount_pence == 10400
    pay_sandbox.card_submit(payment.next_url, SUCCESS)
    payment = payment_refresh(payment)  # Pay says 10400 too, or the payment would be refused
    assert (payment.status, payment.amount_pence) == (Payment.Status.SUCCESS, 10400)
    assert case.events.filter(text__contains="received your payment of £104.00").exists()
    assert not payment_needed(case)


def test_a_later_change_of_the_rules_never_changes_a_cases_fee(catalogue):
    service = catalogue[GARDEN]
    case = _sent(service, bins=1, concession="no")
    service.fee_rules = [{"kind": "fixed", "label": "Subscription", "pence": 9900}]
    service.fee_pence = 9900
    service.save(update_fields=["fee_rules", "fee_pence"])
    case = Case.objects.get(pk=case.pk)
    assert case_fee_pence(case) == 5200
    agent = User.objects.create_user("agent@example.gov.uk", "Agent-pass-1", role="agent")
    due = fee_due_record(case=case, agent=agent)
    assert due is not None and due.amount_pence == 5200


def test_a_case_without_a_submission_pays_the_services_flat_fee(catalogue):
    case = case_open(catalogue[GARDEN])
    assert case.submission is None and case_fee_pence(case) == 5200


def test_rules_that_come_to_nothing_mean_nothing_to_pay(catalogue):
    service = catalogue[GARDEN]
    service.fee_rules = [
        {"kind": "fixed", "label": "Subscription", "pence": 5200},
        {"kind": "discount", "label": "Free for concessions", "percent": 100,
         "when": {"field": "concession", "op": "eq", "value": "yes"}},
    ]  # fmt: skip
    service.save(update_fields=["fee_rules"])
    case = _sent(service, bins=1, concession="yes")
    assert case.submission.fee_pence == 0 and case_fee_pence(case) == 0
    assert not payment_needed(case)
    assert fee_due_record(case=case, agent=User.objects.get(email="r1yes@example.com")) is None


def test_a_form_begun_before_the_rules_and_their_questions_pays_the_flat_fee(catalogue):
    service = catalogue[GARDEN]
    definition = service.form.live_version().definition
    older = {**definition, "pages": [p for p in definition["pages"] if p["id"] != "concession"]}
    answers = {"bins": 2, "concession": "yes"}
    assert submission_fee(service, definition, answers).total_pence == 5200
    assert submission_fee(service, older, answers) is None  # the flat fee_pence then
