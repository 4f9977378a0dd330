from django.apps import AppConfig


class ContractorsConfig(AppConfig):
    name = "townhall.contractors"
    label = "contractors"
    verbose_name = "Contractors"

    def ready(self) -> None:
        # Both register as they load: the system checks, and the operation
        # contractor_job_send with workflow's registry (workflow never imports contractors).
        from townhall.contractors import checks, operations  # noqa: F401
