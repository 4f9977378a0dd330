from django.apps import AppConfig


class BuilderConfig(AppConfig):
    """The service builder: services, their forms and processes made and moved as one."""

    name = "townhall.builder"
    label = "builder"
