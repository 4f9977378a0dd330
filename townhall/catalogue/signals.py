"""Clear the catalogue cache whenever a service changes (eforms/signals.py does the same
when a form version changes)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from townhall.catalogue.models import Service
from townhall.catalogue.selectors import catalogue_cache_clear


@receiver([post_save, post_delete], sender=Service)
def _catalogue_changed(sender, **kwargs) -> None:
    transaction.on_commit(catalogue_cache_clear)


@receiver([post_save, post_delete])
def _catalogue_detail_changed(sender, **kwargs) -> None:
    # Any other catalogue row (fees, translations, synonyms...) may show on a kept page.
    if sender is not Service and sender._meta.app_label == "catalogue":
        transaction.on_commit(catalogue_cache_clear)
