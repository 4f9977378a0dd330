import pytest

from townhall.accounts.tests.factories import UserFactory
from townhall.core.tests.fixtures import fast_and_in_memory  # noqa: F401 (autouse here)


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
