"""Fixtures many apps' tests share. Import one into a folder's conftest.py to use it there: an
autouse fixture then runs for every test of that folder (and only there)."""

import pytest


@pytest.fixture(autouse=True)
def fast_and_in_memory(settings):
    """Mail kept in memory (mail.outbox), notices sent as Django mail, and a quick password
    hasher: PBKDF2 at full strength makes each sign-in take a quarter of a second."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
