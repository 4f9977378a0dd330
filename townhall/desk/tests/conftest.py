import pytest
from django.test import Client

from townhall.accounts.models import User
from townhall.core.tests.fixtures import fast_and_in_memory  # noqa: F401 (autouse here)
from townhall.desk.tests.factories import department_make, service_make, user_make


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
