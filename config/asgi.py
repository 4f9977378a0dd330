import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# An ASGI server runs no system checks: refuse to serve with demo or missing secrets.
from townhall.core.checks import startup_checks_enforce  # noqa: E402  (needs the apps loaded)

startup_checks_enforce()
