from django.apps import AppConfig


class ContractorsConfig(AppConfig):
    name = "townhall.contractors"
    label = "contractors"
    verbose_name = "Contractors"

    def ready(self) -> None:
        from townhall.contractors import checks  # noqa: F401  (registers them)
