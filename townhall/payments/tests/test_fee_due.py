"""A fee due (a fee owed on a case raised for a caller): recorded once, paid only by a
successful payment of its own case, and moved from the contact centre's table by migration."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from townhall.accounts.models import User
from townhall.core.models import AuditEvent
from townhall.payments.models import FeeDue, Payment
from townhall.payments.services import (
    fee_due_mark_paid,
    fee_due_record,
    payment_refresh,
    payment_start,
)
from townhall.workflow.tests.helpers import case_open

GARDEN = "subscribe-to-garden-waste-collection"
SUCCESS, DECLINED = "4444333322221111", "4000000000000002"


@pytest.fixture
def agent(db) -> User:
    return User.objects.create_user(
        "agent@example.gov.uk", "Not-a-real-pass-1", role=User.Role.AGENT
    )


def _pay(case, pay_sandbox, card: str) -> Payment:
    payment = payment_start(case=case, return_url=lambda p: "http://testserver/r")
    pay_sandbox.card_submit(payment.next_url, card)
    return payment_refresh(payment)


@pytest.mark.django_db
def test_a_fee_is_recorded_once_with_its_audit_and_not_at_all_for_a_free_service(catalogue, agent):
    service = catalogue[GARDEN]
    case = case_open(service)
    first = fee_due_record(case=case, agent=agent)
    again = fee_due_record(case=case, agent=agent)
    assert first is not None and again == first
    assert (first.amount_pence, first.status, first.recorded_by) == (
        service.fee_pence,
        FeeDue.Status.DUE,
        agent,
    )
    assert AuditEvent.objects.filter(object_type="fee_due", object_id=case.reference).count() == 1

    service.fee_pence = 0
    service.save(update_fields=["fee_pence"])
    assert fee_due_record(case=case_open(service), agent=agent) is None


@pytest.mark.django_db
def test_a_successful_payment_of_the_case_marks_its_fee_paid(catalogue, agent, pay_sandbox):
    case = case_open(catalogue[GARDEN])
    fee = fee_due_record(case=case, agent=agent)
    assert fee is not None
    declined = _pay(case, pay_sandbox, DECLINED)
    fee.refresh_from_db()
    assert fee.status == FeeDue.Status.DUE
    with pytest.raises(ValidationError, match="has not succeeded"):
        fee_due_mark_paid(fee_due=fee, payment=declined)

    paid = _pay(case, pay_sandbox, SUCCESS)
    fee.refresh_from_db()
    assert (fee.status, fee.payment, fee.payment_reference) == (
        FeeDue.Status.PAID,
        paid,
        paid.reference,
    )
    assert fee.paid_at is not None
    # Told twice (webhook and refresh): still paid by the same payment.
    assert fee_due_mark_paid(fee_due=fee, payment=paid).paid_at == fee.paid_at


@pytest.mark.django_db
def test_a_payment_of_another_case_cannot_pay_a_fee(catalogue, agent, pay_sandbox):
    case = case_open(catalogue[GARDEN])
    fee = fee_due_record(case=case, agent=agent)
    assert fee is not None
    other = _pay(case_open(catalogue[GARDEN]), pay_sandbox, SUCCESS)
    with pytest.raises(ValidationError, match="another case"):
        fee_due_mark_paid(fee_due=fee, payment=other)
    fee.refresh_from_db()
    assert fee.status == FeeDue.Status.DUE


@pytest.mark.django_db(transaction=True)
def test_fees_due_move_from_the_contact_centre_to_payments_with_their_payment(
    catalogue, agent, pay_sandbox
):
    case = case_open(catalogue[GARDEN])
    other = case_open(catalogue[GARDEN])
    paid = _pay(other, pay_sandbox, SUCCESS)
    before = [("contact", "0002_search_indexes_postgresql"), ("payments", "0002_fee_due")]
    after = [("contact", "0003_fee_due_moved_to_payments")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_model = executor.loader.project_state(before).apps.get_model("contact", "FeeDue")
        due = old_model.objects.create(case_id=case.pk, amount_pence=4000, recorded_by_id=agent.pk)
        settled = old_model.objects.create(
            case_id=other.pk,
            amount_pence=paid.amount_pence,
            status="paid",
            payment_reference=paid.reference,
            paid_at=paid.created_at,
        )
        old_model.objects.filter(pk=due.pk).update(recorded_at=paid.created_at)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        # Going back to payments 0002 also unapplied every app built on payments (permits):
        # bring the whole project forward again, or later tests find their tables gone.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    moved = {fee.case_id: fee for fee in FeeDue.objects.all()}
    assert set(moved) == {case.pk, other.pk}
    assert (moved[case.pk].pk, moved[case.pk].status, moved[case.pk].amount_pence) == (
        due.pk,
        "due",
        4000,
    )
    assert (moved[case.pk].recorded_by, moved[case.pk].recorded_at) == (agent, paid.created_at)
    assert (moved[other.pk].pk, moved[other.pk].status, moved[other.pk].payment) == (
        settled.pk,
        "paid",
        paid,
    )
    # The next fee gets a new id (the sequence was moved past the copied rows).
    third = fee_due_record(case=case_open(catalogue[GARDEN]), agent=agent)
    assert third is not None and third.pk not in (due.pk, settled.pk)
