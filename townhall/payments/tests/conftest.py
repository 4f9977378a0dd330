import pytest

from townhall.catalogue.models import Service
from townhall.workflow.tests.helpers import demo_catalogue_with_processes


@pytest.fixture(autouse=True)
def _in_memory_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(db) -> dict[str, Service]:
    return demo_catalogue_with_processes()
