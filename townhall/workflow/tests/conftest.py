import pytest

from townhall.catalogue.models import Service
from townhall.workflow.tests.helpers import demo_catalogue_with_processes


@pytest.fixture(autouse=True)
def _fast_and_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _catalogue() -> dict[str, Service]:
    return demo_catalogue_with_processes()


@pytest.fixture
def catalogue(db) -> dict[str, Service]:
    """The demo council's departments, teams and services, with the process library live."""
    return _catalogue()


@pytest.fixture
def catalogue_committed(transactional_db) -> dict[str, Service]:
    return _catalogue()
