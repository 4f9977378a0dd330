from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "townhall.payments"
    label = "payments"

    def ready(self) -> None:
        from townhall.bookings.services import booking_cancelled_listener_register
        from townhall.payments.refunds import booking_cancelled_refund

        booking_cancelled_listener_register(booking_cancelled_refund)
