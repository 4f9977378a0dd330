from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API for staff tools: a door, like the desk, onto cases.services."""

    name = "townhall.api"
    label = "api"
    verbose_name = "Staff JSON API"
