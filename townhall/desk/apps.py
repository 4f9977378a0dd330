from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "townhall.desk"
    label = "desk"

    def ready(self) -> None:
        from townhall.desk.lists import desk_lists_watch

        desk_lists_watch()
