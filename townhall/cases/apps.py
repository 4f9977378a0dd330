from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "townhall.cases"
    label = "cases"

    def ready(self) -> None:
        from townhall.cases.receipts import delivery_receipt_recorded
        from townhall.integrations.notify.callbacks import delivery_listener_register

        delivery_listener_register(delivery_receipt_recorded)

        from django.db.models.signals import post_delete, post_save

        from townhall.cases.models import Case
        from townhall.cases.services import my_account_forget

        def case_written(sender, instance: Case, **kwargs) -> None:
            my_account_forget(instance.resident_id)

        post_save.connect(case_written, sender=Case, dispatch_uid="cases-my-account", weak=False)
        post_delete.connect(case_written, sender=Case, dispatch_uid="cases-my-account", weak=False)
