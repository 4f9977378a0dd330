from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "townhall.integrations"
    label = "integrations"

    def ready(self) -> None:
        from townhall.integrations import checks  # noqa: F401  (registers them)
