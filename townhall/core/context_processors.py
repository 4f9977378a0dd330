from django.conf import settings
from django.http import HttpRequest


def council(request: HttpRequest) -> dict:
    return {
        "council_name": settings.COUNCIL_NAME,
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_warning_before": settings.SESSION_WARNING_BEFORE,
        "map_tile_url": settings.MAP_TILE_URL,
    }
