from django.apps import AppConfig


class ContactConfig(AppConfig):
    """The contact centre: finding a caller, their single view, calls logged, requests raised
    on their behalf. Its own app (inside the desk) so its tables and migrations stay apart."""

    name = "townhall.desk.contact"
    label = "contact"
    verbose_name = "Contact centre"
