from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "townhall.catalogue"
    label = "catalogue"

    def ready(self) -> None:
        from townhall.catalogue import checks, signals  # noqa: F401  (registers them)
