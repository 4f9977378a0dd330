from django.apps import AppConfig
from django.utils.translation import gettext_noop


class Open311Config(AppConfig):
    name = "townhall.open311"
    label = "open311"
    verbose_name = "Open311 GeoReport v2"

    def ready(self) -> None:
        from townhall.cases.hooks import CASE_CREATED, CASE_STATUS_CHANGED, case_hook_register
        from townhall.open311 import checks  # noqa: F401  (registers them)
        from townhall.open311.services import open311_cache_refresh, open311_update_push

        case_hook_register(CASE_STATUS_CHANGED, open311_update_push)
        case_hook_register(CASE_STATUS_CHANGED, open311_cache_refresh)
        case_hook_register(CASE_CREATED, open311_cache_refresh)

        from django.db.models.signals import post_save

        from townhall.catalogue.models import Service
        from townhall.open311.generation import generation_bump_on_commit

        # A service published, changed or retired shows in GET services at once.
        post_save.connect(
            lambda **kwargs: generation_bump_on_commit(),
            sender=Service,
            weak=False,
            dispatch_uid="open311_service_changed",
        )

        from townhall.core.reconcile import Reconciler, reconciler_register
        from townhall.open311.selectors import submissions_unopened
        from townhall.open311.services import submissions_unopened_open

        # An accepted request whose case-open task was lost still gets its case.
        reconciler_register(
            Reconciler(
                name="open311_unopened",
                title=gettext_noop("Open311 requests accepted but not yet opened as cases"),
                waiting=submissions_unopened,
                sweep=submissions_unopened_open,
            )
        )
