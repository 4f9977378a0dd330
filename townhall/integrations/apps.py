from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "townhall.integrations"
    label = "integrations"
