"""Clear the catalogue cache whenever a service or a form version changes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from townhall.catalogue.models import Service
from townhall.catalogue.selectors import catalogue_cache_clear
from townhall.eforms.models import FormVersion


@receiver([post_save, post_delete], sender=Service)
@receiver([post_save, post_delete], sender=FormVersion)
def _catalogue_changed(sender, **kwargs) -> None:
    transaction.on_commit(catalogue_cache_clear)
