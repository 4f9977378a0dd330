import pytest


@pytest.fixture(autouse=True)
def _isolated_var_dir(settings, tmp_path):
    """Mail, SMS and uploads of each test go to its own folder."""
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    settings.MEDIA_ROOT = str(tmp_path / "media")
