from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "townhall.bookings"
    label = "bookings"

    def ready(self) -> None:
        from townhall.bookings.services import booking_release_on_close
        from townhall.cases.hooks import CASE_STATUS_CHANGED, case_hook_register

        # A case closed with its booking still held or confirmed (payment expired, withdrawn
        # by an officer) gives its places back.
        case_hook_register(CASE_STATUS_CHANGED, booking_release_on_close)
