from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def _forget_overrides(sender, instance, **kwargs) -> None:
    from townhall.core.calendars import calendar_overrides_forget

    calendar_overrides_forget()


def _new_site_generation(sender, **kwargs) -> None:
    # A migration is a deploy: templates may have changed, so no kept page survives it.
    from townhall.core.pagecache import SITE, generation_bump

    generation_bump(SITE)


class CoreConfig(AppConfig):
    name = "townhall.core"
    label = "core"

    def ready(self) -> None:
        from townhall.core import checks  # noqa: F401  (registers them)

        override = self.get_model("CalendarOverride")
        post_save.connect(_forget_overrides, sender=override, dispatch_uid="calendar-cache-save")
        post_delete.connect(
            _forget_overrides, sender=override, dispatch_uid="calendar-cache-delete"
        )
        post_migrate.connect(_new_site_generation, sender=self, dispatch_uid="page-cache-site")
