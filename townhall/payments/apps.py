from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "townhall.payments"
    label = "payments"
