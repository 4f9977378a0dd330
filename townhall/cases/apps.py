from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "townhall.cases"
    label = "cases"
