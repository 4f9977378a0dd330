import pytest

from townhall.demo.open311 import demo_open311_client_load
from townhall.open311.clients import api_client_create, api_client_for_key, api_client_revoke
from townhall.open311.models import ApiClient

pytestmark = pytest.mark.django_db


def test_a_new_client_gets_a_random_key_and_only_its_hash_is_stored():
    client, raw_key = api_client_create(name="FixMyStreet")
    assert len(raw_key) >= 32
    stored = ApiClient.objects.get(pk=client.pk)
    assert raw_key not in (stored.key_hash, stored.key_prefix, stored.name)
    assert stored.key_prefix == raw_key[:6]
    assert api_client_for_key(raw_key) == client


def test_wrong_missing_and_revoked_keys_find_no_client():
    client, raw_key = api_client_create(name="App", key="k-123")
    assert api_client_for_key("k-124") is None
    assert api_client_for_key("") is None
    assert api_client_for_key(None) is None
    api_client_revoke(client=client)
    assert api_client_for_key(raw_key) is None


def test_the_demo_client_is_created_once_with_the_acceptance_key():
    demo_open311_client_load()
    demo_open311_client_load()
    assert ApiClient.objects.count() == 1
    assert api_client_for_key("demo-open311-key").name == "Demo Open311 client"


def test_the_commands_create_a_client_showing_its_key_once_and_revoke_it():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("open311_client_create", "Street app", stdout=out)
    raw_key = out.getvalue().rsplit(": ", 1)[1].strip()
    client = api_client_for_key(raw_key)
    assert client.name == "Street app"
    call_command("open311_client_revoke", str(client.pk), stdout=StringIO())
    assert api_client_for_key(raw_key) is None


def test_a_kept_client_is_forgotten_when_revoked_and_wrong_keys_are_never_kept(settings):
    settings.OPEN311_KEY_SECONDS = 60  # as in production
    assert api_client_for_key("k-later") is None
    created, raw_key = api_client_create(name="Later", key="k-later")
    assert api_client_for_key(raw_key) == created  # a wrong key was not remembered
    ApiClient.objects.filter(pk=created.pk).update(name="Renamed")
    assert api_client_for_key(raw_key).name == "Later"  # kept for its seconds
    api_client_revoke(client=created)
    assert api_client_for_key(raw_key) is None  # at once in the revoking process
