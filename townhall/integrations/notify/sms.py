"""SMS backends behind one small interface: send(to, body) -> provider reference."""

import json
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class FileSmsBackend:
    """Writes each SMS as one JSON file under SMS_FILE_PATH (demo and tests)."""

    def send(self, *, to: str, body: str) -> str:
        directory = Path(settings.SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        reference = uuid.uuid4().hex
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{reference[:8]}.json"
        (directory / name).write_text(json.dumps({"to": to, "body": body}, indent=2))
        return reference


class LogOnlySmsBackend:
    """For deployments without an SMS provider configured: records, sends nothing."""

    def send(self, *, to: str, body: str) -> str:
        logger.warning("SMS not sent (no provider configured) to %s", to[-4:])
        return ""


def get_sms_backend():
    return import_string(settings.SMS_BACKEND)()
