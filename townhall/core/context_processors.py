from django.conf import settings
from django.http import HttpRequest

from townhall.core.links import site_links


def council(request: HttpRequest) -> dict:
    return {
        "council_name": settings.COUNCIL_NAME,
        # Staff time out sooner than residents: the session middleware says which applies.
        "session_idle_timeout": getattr(
            request, "session_idle_timeout", settings.SESSION_IDLE_TIMEOUT
        ),
        "session_warning_before": settings.SESSION_WARNING_BEFORE,
        "map_tile_url": settings.MAP_TILE_URL,
        "links": site_links(),
    }
