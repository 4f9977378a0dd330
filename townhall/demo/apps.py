from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "townhall.demo"
    label = "demo"
    verbose_name = "Demo council (development only)"
