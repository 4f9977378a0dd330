"""Helpers for the desk's one set of GOV.UK field templates (templates/desk/fields/), which
render bound Django form fields with the ids the GOV.UK macros would give them."""

from django import forms, template

from townhall.desk.forms import RefundForm, WorkItemDoneForm
from townhall.payments.models import Payment
from townhall.workflow.models import WorkItem

register = template.Library()


@register.filter
def field_id(field: forms.BoundField) -> str:
    """The element id: one set on the widget (two forms on a page sharing a field name) or the
    form's auto id, which the desk's forms keep as the bare field name."""
    return str(field.field.widget.attrs.get("id") or field.auto_id)


@register.filter
def item_id(base: str, counter: int) -> str:
    # As govukRadios does: the first item carries the field's id, so the error summary's link
    # lands on it; the others are numbered from 2.
    return base if counter == 1 else f"{base}-{counter}"


@register.filter
def error_links(form: forms.Form) -> list[tuple[str, str]]:
    """(element id, message) for each error, in field order; a form-wide error points at the
    first visible field."""
    visible = form.visible_fields()
    first = field_id(visible[0]) if visible else ""
    links = [(first, str(message)) for message in form.non_field_errors()]
    for field in visible:
        links += [(field_id(field), str(message)) for message in field.errors]
    return links


@register.filter
def refund_form_for(failed: object, payment: Payment) -> RefundForm:
    """The refused refund form for this payment (with its errors), or an empty one."""
    if isinstance(failed, RefundForm) and failed.payment.pk == payment.pk:
        return failed
    return RefundForm(payment=payment)


@register.filter
def work_item_form_for(failed: object, item: WorkItem) -> WorkItemDoneForm:
    """The refused form for this work item (with its errors), or an empty one."""
    if isinstance(failed, WorkItemDoneForm) and failed.item.pk == item.pk:
        return failed
    return WorkItemDoneForm(item=item)
