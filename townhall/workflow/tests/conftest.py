import pytest

from townhall.catalogue.demo_loader import (
    demo_departments_load,
    demo_forms_publish,
    demo_services_load,
)
from townhall.catalogue.models import Service
from townhall.workflow.library import library_publish


@pytest.fixture(autouse=True)
def _fast_and_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _catalogue() -> dict[str, Service]:
    departments, teams = demo_departments_load()
    forms = demo_forms_publish()
    demo_services_load(departments=departments, teams=teams, forms=forms)
    library_publish()
    return {s.slug: s for s in Service.objects.all()}


@pytest.fixture
def catalogue(db) -> dict[str, Service]:
    """The demo council's departments, teams and services, with the process library live."""
    return _catalogue()


@pytest.fixture
def catalogue_committed(transactional_db) -> dict[str, Service]:
    return _catalogue()
