"""Helpers for the desk's one set of GOV.UK field templates (templates/desk/fields/), which
render bound Django form fields with the ids the GOV.UK macros would give them."""

from django import forms, template

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
