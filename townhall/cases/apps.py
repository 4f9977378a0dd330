from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "townhall.cases"
    label = "cases"

    def ready(self) -> None:
        from townhall.cases.receipts import delivery_receipt_recorded
        from townhall.integrations.notify.callbacks import delivery_listener_register

        delivery_listener_register(delivery_receipt_recorded)

        from townhall.cases.hand_on import case_hand_on_start, hand_on_listeners_register
        from townhall.cases.hooks import CASE_CREATED, case_hook_register

        # A case of another council's service is handed on as it is created (catalogue's
        # hand_on setting); the outbox tells us what the county said.
        case_hook_register(CASE_CREATED, case_hand_on_start)
        hand_on_listeners_register()

        from django.db.models.signals import post_delete, post_save

        from townhall.cases.models import Case
        from townhall.cases.services import my_account_forget

        def case_written(sender, instance: Case, **kwargs) -> None:
            my_account_forget(instance.resident_id)

        post_save.connect(case_written, sender=Case, dispatch_uid="cases-my-account", weak=False)
        post_delete.connect(case_written, sender=Case, dispatch_uid="cases-my-account", weak=False)
