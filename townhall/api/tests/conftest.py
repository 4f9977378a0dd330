import pytest

from townhall.api.auth import api_token_issue
from townhall.desk.tests.factories import department_make, service_make, user_make


@pytest.fixture(autouse=True)
def _fast_and_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
