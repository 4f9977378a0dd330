"""Helpers of the service builder's templates (templates/desk/builder/)."""

from django import template

register = template.Library()


@register.filter
def is_list(value: object) -> bool:
    """Whether a choice is a group of choices (an <optgroup>), not one choice."""
    return isinstance(value, list | tuple)


@register.filter
def get_item(mapping: object, key: str) -> object:
    """`mapping[key]` in a template (a hint per choice), or empty."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""
