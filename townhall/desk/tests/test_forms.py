"""The desk's forms check what was typed or chosen before any service is called."""

import pytest

from townhall.desk.forms import RefundForm, WorkItemDoneForm
from townhall.payments.models import Payment
from townhall.workflow.models import WorkItem


def _item(outcomes: list[str]) -> WorkItem:
    return WorkItem(pk=7, title="Clear the fly-tip", outcomes=outcomes)


def test_a_work_item_with_outcomes_needs_one_it_offers():
    item = _item(["cleared", "not_found"])
    for data in ({}, {"outcome": "burnt_it"}):
        form = WorkItemDoneForm(data, item=item)
        assert not form.is_valid()
        assert form.errors["outcome"] == ["Choose what happened: cleared, not found."]
    assert WorkItemDoneForm({"outcome": "not_found"}, item=item).is_valid()


def test_a_work_item_without_outcomes_is_simply_done():
    form = WorkItemDoneForm({}, item=_item([]))
    assert form.is_valid() and form.cleaned_data["outcome"] == ""


def test_each_work_items_radios_have_their_own_ids():
    html = str(WorkItemDoneForm(item=_item(["cleared"]))["outcome"].field.widget.attrs)
    assert "outcome-7" in html


@pytest.mark.parametrize(("typed", "pence"), [("12.50", 1250), ("£1,012.5", 101250), (" 3 ", 300)])
def test_a_refund_amount_is_read_in_pounds(typed, pence):
    form = RefundForm({"amount": typed, "reason": "Late"}, payment=Payment(pk=3))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == pence


@pytest.mark.parametrize("typed", ["", "12.345", "ten pounds", "NaN", "Infinity"])
def test_a_refund_amount_that_is_not_pounds_and_pence_is_refused(typed):
    form = RefundForm({"amount": typed}, payment=Payment(pk=3))
    assert not form.is_valid()
    assert form.errors["amount"] == ["Enter the amount to refund in pounds, like 12.50."]


@pytest.mark.parametrize("typed", ["0", "-5.00"])
def test_a_refund_of_nothing_or_less_is_refused(typed):
    form = RefundForm({"amount": typed}, payment=Payment(pk=3))
    assert form.errors["amount"] == ["Enter an amount to refund of more than £0."]


def test_a_process_note_is_one_line_and_an_unknown_action_is_refused():
    from townhall.desk.forms import ProcessEditForm

    form = ProcessEditForm({"note": "  Two\n lines ", "action": "publish"}, dmn_count=1)
    assert form.is_valid() and form.cleaned_data["note"] == "Two lines" and form.publishing
    assert form.dmn_xmls() == [""]
    refused = ProcessEditForm({"action": "delete"}, dmn_count=0)
    assert refused.errors["action"] == ["Choose Check or Publish."]
