import sys

import pytest

from townhall.catalogue.tests import fake_case_services
from townhall.places.tests.factories import demo_gazetteer  # noqa: F401


@pytest.fixture
def fake_case_services_installed(monkeypatch):
    """Make `townhall.cases.services` the stand-in, whether or not the real one exists."""
    monkeypatch.setitem(sys.modules, "townhall.cases.services", fake_case_services)
    return fake_case_services


@pytest.fixture
def no_case_services(monkeypatch):
    """Pretend `townhall.cases.services` does not exist yet."""
    monkeypatch.setitem(sys.modules, "townhall.cases.services", None)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The demo creates six accounts per load; real hashing would make these tests crawl."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
