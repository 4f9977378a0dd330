"""Accounts sends email through the sender integrations registers (accounts sits below it)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from townhall.accounts import services
from townhall.accounts.models import User
from townhall.integrations.notify.tasks import email_deliver

pytestmark = pytest.mark.django_db


def _resident() -> User:
    return User.objects.create_user("sam@example.com", "plum orchard lantern", full_name="Sam")


def test_account_emails_go_through_the_registered_sender(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.delitem(services.ACCOUNT_EMAIL_SENDER, "sender", raising=False)
    sent: list[dict] = []
    services.account_email_sender_register(lambda **message: sent.append(message))
    user = _resident()

    with django_capture_on_commit_callbacks(execute=True):
        services.user_verification_send(user=user)

    [message] = sent
    assert message["to"] == "sam@example.com"
    assert message["subject"] == "Confirm your email address"
    assert message["idempotency_key"].startswith("accounts:")


def test_without_a_sender_an_account_email_is_refused_with_the_reason(monkeypatch):
    monkeypatch.delitem(services.ACCOUNT_EMAIL_SENDER, "sender", raising=False)
    user = _resident()

    with pytest.raises(ImproperlyConfigured, match="No email sender registered"):
        services.user_verification_send(user=user)


def test_integrations_registers_the_worker_queue_as_the_sender():
    assert services.ACCOUNT_EMAIL_SENDER.entries() == [email_deliver.enqueue]
