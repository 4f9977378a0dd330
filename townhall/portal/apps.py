from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "townhall.portal"
    label = "portal"
