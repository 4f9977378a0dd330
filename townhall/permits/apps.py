from django.apps import AppConfig


class PermitsConfig(AppConfig):
    name = "townhall.permits"
    label = "permits"

    def ready(self) -> None:
        # payments sits below permits: it offers a hook, we fill it (imports point down).
        from townhall.payments.services import payment_paid_listener_register
        from townhall.permits.services import permit_issue_on_payment

        payment_paid_listener_register(permit_issue_on_payment)
