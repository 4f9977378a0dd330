"""Sending to a partner's address: checked again at connect time against DNS rebinding and the
operator's allow list, and only the status of a partner's reply kept, never its body.
"""

import pytest

from townhall.accounts.models import User
from townhall.desk.tests.factories import user_make
from townhall.integrations.models import OutboxMessage, PartnerEndpoint
from townhall.integrations.outbound import outbound_url_check
from townhall.integrations.outbox.delivery import outbox_work
from townhall.integrations.tests.outbound_fakes import PUBLIC, one_message


@pytest.mark.django_db(transaction=True)
def test_a_name_rebound_to_loopback_after_saving_is_refused_at_connect(production, dns, receiver):
    production.DEMO = True  # plain http, so the local receiver could be reached if allowed
    local = receiver(200, b'{"ok": true}')
    dns.set("rebind.example.com", [PUBLIC], ["127.0.0.1"])
    url = outbound_url_check(f"http://rebind.example.com:{local.port}/hook")
    PartnerEndpoint.objects.create(name="rebinder", title="Rebinder", url=url, secret="s")
    message = one_message("rebinder")
    outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert local.hits == 0
    assert message.status == OutboxMessage.Status.DEAD
    assert message.last_error == (
        "Not sent: rebind.example.com resolves to 127.0.0.1, which is a loopback address "
        "(this server itself); the server may not connect to it."
    )
    assert dns.asked == ["rebind.example.com", "rebind.example.com"]


@pytest.mark.django_db(transaction=True)
def test_an_allow_listed_local_receiver_still_gets_its_messages(production, receiver):
    local = receiver(201, b'{"contractor_ref": "GW-1"}')
    production.OUTBOUND_ALLOW_HOSTS = [f"127.0.0.1:{local.port}"]
    PartnerEndpoint.objects.create(
        name="local", title="Local", url=f"http://127.0.0.1:{local.port}/jobs", secret="s"
    )
    message = one_message("local")
    outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert (message.status, local.hits) == (OutboxMessage.Status.DELIVERED, 1)
    assert message.response == {"status": 201}  # the status, not the partner's body


@pytest.mark.django_db(transaction=True)
def test_a_local_receiver_off_the_allow_list_gets_nothing(production, receiver):
    local = receiver(200, b"{}")
    PartnerEndpoint.objects.create(
        name="local", title="Local", url=f"http://127.0.0.1:{local.port}/jobs", secret="s"
    )
    message = one_message("local")
    outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert local.hits == 0
    assert message.status == OutboxMessage.Status.DEAD
    assert message.last_error.startswith("Not sent: The address must start https://")


@pytest.mark.django_db(transaction=True)
def test_a_partner_narrowed_to_other_hosts_is_not_sent_to(settings, receiver):
    local = receiver(200, b"{}")
    PartnerEndpoint.objects.create(
        name="local",
        title="Local",
        url=f"http://127.0.0.1:{local.port}/jobs",
        secret="s",
        allowed_hosts=["api.greenway.example"],
    )
    message = one_message("local")
    outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert local.hits == 0
    assert "not one of this partner's allowed hosts" in message.last_error


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("status", "kept"), [(500, "HTTP 500 (Internal Server Error)"), (403, "HTTP 403 (Forbidden)")]
)
def test_only_the_status_of_a_partner_reply_is_kept_never_its_body(receiver, status, kept):
    local = receiver(status, b"root:x:0:0:root:/root:/bin/bash INTERNAL-SECRET")
    PartnerEndpoint.objects.create(
        name="local",
        title="Local",
        url=f"http://127.0.0.1:{local.port}/jobs",
        secret="s",
        max_attempts=1,
    )
    message = one_message("local")
    outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert local.hits == 1
    assert kept in message.last_error
    assert "INTERNAL-SECRET" not in message.last_error and "root:" not in message.last_error
    assert message.response == {}
    # And the desk, where administrators read what partners said, shows the status alone.
    from django.test import Client

    desk = Client()
    desk.force_login(user_make(role=User.Role.ADMIN))
    for page in ("/staff/integrations/", f"/staff/integrations/messages/{message.pk}/"):
        html = desk.get(page).content.decode()
        assert kept in html, page
        assert "INTERNAL-SECRET" not in html and "root:x:0:0" not in html, page


@pytest.mark.django_db
def test_the_migration_drops_reply_bodies_already_stored():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "townhall.integrations.migrations.0006_partner_allowed_hosts_reply_bodies_dropped"
    )
    old = OutboxMessage.objects.create(
        partner="p",
        operation="o",
        idempotency_key="k1",
        status="dead",
        last_error="Refused for good. HTTP 404 from the partner: <html>secret admin page</html>",
    )
    delivered = OutboxMessage.objects.create(
        partner="p",
        operation="o",
        idempotency_key="k2",
        status="delivered",
        response={"internal": "data"},
    )
    migration.reply_bodies_drop(apps, None)
    old.refresh_from_db()
    delivered.refresh_from_db()
    assert old.last_error == "Refused for good. HTTP 404 (Not Found) from the partner."
    assert delivered.response == {}
