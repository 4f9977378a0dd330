from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "townhall.desk"
    label = "desk"
