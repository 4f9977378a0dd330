"""Clear the catalogue cache when a form version changes: a service's start page shows its
live version's text. Here, not in catalogue, because eforms sits above catalogue."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from townhall.catalogue.selectors import catalogue_cache_clear
from townhall.eforms.models import FormVersion


@receiver([post_save, post_delete], sender=FormVersion)
def _form_version_changed(sender, **kwargs) -> None:
    transaction.on_commit(catalogue_cache_clear)
