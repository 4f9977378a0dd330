"""Saved queue views: an officer's named filters, theirs alone."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict

from townhall.accounts.models import User
from townhall.desk.models import SavedView
from townhall.desk.queue import QueueFilters

NAME_MAX_LENGTH = 60
VIEWS_MAX = 30


def saved_views_for(user: User) -> list[SavedView]:
    return list(SavedView.objects.filter(owner=user))


def saved_view_save(*, user: User, name: str, params: QueryDict | dict[str, str]) -> SavedView:
    """Save the queue filters in `params` under `name`; the same name again replaces them."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Enter a name for the view")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(f"The name must be {NAME_MAX_LENGTH} characters or fewer")
    # Only what the queue understands is kept, so a saved view cannot carry anything else.
    stored = urlencode(QueueFilters.from_params(params).params())
    with transaction.atomic():
        existing = SavedView.objects.select_for_update().filter(owner=user, name=name).first()
        if existing is not None:
            existing.params = stored
            existing.save(update_fields=["params"])
            return existing
        if SavedView.objects.filter(owner=user).count() >= VIEWS_MAX:
            raise ValidationError(
                f"You have {VIEWS_MAX} saved views. Delete one before saving another"
            )
        try:
            with transaction.atomic():
                return SavedView.objects.create(owner=user, name=name, params=stored)
        except IntegrityError:  # saved twice at once: the other request made it
            return SavedView.objects.get(owner=user, name=name)


def saved_view_delete(*, user: User, view_id: int) -> bool:
    """Delete one of `user`'s views; False when they have no such view."""
    deleted, _ = SavedView.objects.filter(owner=user, pk=view_id).delete()
    return bool(deleted)
