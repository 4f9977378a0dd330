import pytest
from django.test import Client

from townhall.accounts.models import User
from townhall.desk.tests.factories import department_make, service_make, user_make


@pytest.fixture(autouse=True)
def _fast_and_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def waste(db):
    """A service of Environmental Services."""
    return service_make(department=department_make("Environmental Services"), name="Fly-tipping")


@pytest.fixture
def housing(db):
    """A service of another department."""
    return service_make(department=department_make("Housing"), name="Damp and mould")


@pytest.fixture
def officer(waste):
    return user_make(
        role=User.Role.OFFICER, departments=[waste.department], full_name="Olive Officer"
    )


@pytest.fixture
def officer_client(officer) -> Client:
    client = Client()
    client.force_login(officer)
    return client
