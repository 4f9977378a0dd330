"""Addresses people set for partners: an Open311 client's push URL (desk and service) and a
contractor's address (management command), refused with the reason when they would reach
inside, and held to the partner's list of hosts.
"""

import pytest
from django.core.exceptions import ValidationError

from townhall.accounts.models import User
from townhall.core.models import AuditEvent
from townhall.desk.tests.factories import user_make
from townhall.integrations.models import PartnerEndpoint
from townhall.integrations.tests.outbound_fakes import PUBLIC
from townhall.open311.clients import api_client_create, api_client_push_set, push_partner_name

# Open311 push URLs: where a client's status updates are posted.


@pytest.fixture
def fms(db):
    return api_client_create(name="FixMyStreet")[0]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/push", "loopback"),
        ("https://10.0.0.1/push", "private"),
        ("https://169.254.169.254/push", "link-local"),
        ("https://[::1]/push", "loopback"),
        ("http://partner.example.com/push", "https://"),
        ("https://intranet.example.com/push", "resolves to 172.16.0.9, which is a private"),
    ],
)
def test_a_push_url_that_would_reach_inside_is_not_saved(production, dns, fms, url, reason):
    dns.set("intranet.example.com", ["172.16.0.9"])
    with pytest.raises(ValidationError, match=reason):
        api_client_push_set(client=fms, url=url)
    fms.refresh_from_db()
    assert fms.push_url == ""
    assert not PartnerEndpoint.objects.exists()


def test_a_push_url_is_held_to_the_clients_list_of_hosts(production, fms):
    api_client_push_set(client=fms, url="https://partner.example.com/push")
    PartnerEndpoint.objects.filter(name=push_partner_name(fms.pk)).update(
        allowed_hosts=["fms.example.org"]
    )
    with pytest.raises(ValidationError, match="not one of this partner's allowed hosts"):
        api_client_push_set(client=fms, url="https://partner.example.com/other")


def test_the_desk_says_why_a_push_url_was_refused(production, fms):
    from django.test import Client

    client = Client()
    client.force_login(user_make(role=User.Role.ADMIN))
    page = client.post(
        f"/staff/integrations/open311/{fms.pk}/", {"push_url": "https://169.254.169.254/latest/"}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "169.254.169.254 is a link-local address" in html
    assert 'value="https://169.254.169.254/latest/"' in html  # kept for correction


# A contractor's address, set by an administrator with a command.


@pytest.fixture
def contractor(db) -> PartnerEndpoint:
    return PartnerEndpoint.objects.create(
        name="greenway", title="Greenway", url="https://partner.example.com/jobs", secret="s"
    )


def _command(*args: str) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("partner_endpoint_url", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://10.0.0.1/jobs", "Not saved: 10.0.0.1 is a private address"),
        ("https://169.254.169.254/jobs", "link-local"),
        ("https://[::1]/jobs", "loopback"),
        ("http://partner.example.com/jobs", "Not saved: The address must start https://"),
        ("https://intranet.example.com/jobs", "resolves to 10.20.30.40, which is a private"),
    ],
)
def test_the_command_refuses_an_address_inside_and_keeps_the_old_one(
    production, dns, contractor, url, reason
):
    from django.core.management.base import CommandError

    dns.set("intranet.example.com", ["10.20.30.40"])
    with pytest.raises(CommandError, match=reason):
        _command("greenway", url)
    contractor.refresh_from_db()
    assert contractor.url == "https://partner.example.com/jobs"


def test_the_command_sets_the_address_and_the_partners_hosts_audited(production, dns, contractor):
    from django.core.management.base import CommandError

    dns.set("api.greenway.example", [PUBLIC])
    said = _command(
        "greenway", "https://api.greenway.example/v2/jobs", "--allow-host", "API.greenway.example"
    )
    assert "now posts to https://api.greenway.example/v2/jobs" in said
    contractor.refresh_from_db()
    assert contractor.allowed_hosts == ["api.greenway.example"]
    assert AuditEvent.objects.filter(action="partner_url_set").count() == 1
    with pytest.raises(CommandError, match="not one of this partner's allowed hosts"):
        _command("greenway", "https://partner.example.com/jobs")
    with pytest.raises(CommandError, match="'https://x.example' is not a host name"):
        _command(
            "greenway", "https://partner.example.com/jobs", "--allow-host", "https://x.example"
        )
    with pytest.raises(CommandError, match="No partner is called 'nobody' \\(known: greenway\\)"):
        _command("nobody", "https://partner.example.com/jobs")
    _command("greenway", "https://partner.example.com/jobs", "--any-host")
    contractor.refresh_from_db()
    assert contractor.allowed_hosts == []
