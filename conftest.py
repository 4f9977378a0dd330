import pytest

# Fixtures shared by every app's tests: the browser (Playwright + axe-core), the partners'
# fakes, the demo with Pay for browser journeys, the demo council with its processes.
pytest_plugins = [
    "townhall.core.tests.browser",
    "townhall.core.tests.partners",
    "townhall.portal.tests.journeys",
    "townhall.workflow.tests.fixtures",
]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches (shared and per process), as the database is
    emptied between tests."""
    from django.core.cache import cache

    from townhall.core.memo import process_memos_clear
    from townhall.core.sequences import sequences_forget

    cache.clear()
    sequences_forget()
    process_memos_clear()
    yield
    cache.clear()
    sequences_forget()
    process_memos_clear()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Each test starts and ends in the default language: a Welsh request through the test
    client leaves Welsh active in this thread (LocaleMiddleware never deactivates), which
    would turn the next test's messages Welsh."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def production_settings(settings):
    """Settings as a production server has them: outside the demo and tests, over HTTPS,
    with a real secret key, and GOV.UK Pay and Notify not yet configured."""
    import secrets

    settings.DEMO = settings.TESTING = False
    settings.HTTPS = True
    settings.SECRET_KEY = secrets.token_urlsafe(48)
    settings.PAY_BASE_URL = ""
    settings.NOTIFY_CHANNEL = "django"
    return settings


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, tmp_path):
    """Mail, SMS and uploads of each test go to its own folder."""
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    settings.MEDIA_ROOT = str(tmp_path / "media")
