import pytest

from townhall.accounts.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_and_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    # PBKDF2 at full strength makes each sign-in take a quarter of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def resident(db):
    return UserFactory(email="pat@example.com", full_name="Pat Example")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a request and the emails it queues on commit (tests never really commit)."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run
