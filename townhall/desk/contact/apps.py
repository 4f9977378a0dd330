from django.apps import AppConfig


class ContactConfig(AppConfig):
    """The contact centre: finding a caller, their single view, calls logged, requests raised
    on their behalf. Its own app (inside the desk) so its tables and migrations stay apart."""

    name = "townhall.desk.contact"
    label = "contact"
    verbose_name = "Contact centre"

    def ready(self) -> None:
        from townhall.desk.contact.payments import fee_due_paid
        from townhall.payments.services import payment_paid_listener_register

        payment_paid_listener_register(fee_due_paid)
