import pytest

from townhall.places.tests.factories import demo_gazetteer  # noqa: F401


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The demo creates six accounts per load; real hashing would make these tests crawl."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
