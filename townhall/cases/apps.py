from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "townhall.cases"
    label = "cases"

    def ready(self) -> None:
        from townhall.cases.notifications import delivery_receipt_recorded
        from townhall.integrations.notify.callbacks import delivery_listener_register

        delivery_listener_register(delivery_receipt_recorded)
