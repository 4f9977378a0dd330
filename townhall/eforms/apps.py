from django.apps import AppConfig


class EformsConfig(AppConfig):
    name = "townhall.eforms"
    label = "eforms"
