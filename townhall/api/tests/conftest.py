import pytest

from townhall.api.auth import api_token_issue
from townhall.core.tests.fixtures import fast_and_in_memory  # noqa: F401 (autouse here)
from townhall.desk.tests.factories import department_make, service_make, user_make


@pytest.fixture
def waste(db):
    return service_make(department=department_make("Waste and street scene"), name="Fly-tipping")


@pytest.fixture
def housing(db):
    return service_make(department=department_make("Housing"), name="Damp and mould")


@pytest.fixture
def officer(waste):
    return user_make(role="officer", departments=[waste.department], full_name="Walt Waste")


def bearer(user) -> dict[str, str]:
    _, raw = api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
