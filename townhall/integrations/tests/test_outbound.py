"""Addresses a person or partner set are checked when saved and again at connect time, after
DNS, so the server cannot be steered at itself, the council's network or a metadata service."""

from typing import Any

import httpcore
import httpx
import pytest

from townhall.integrations.models import OutboxMessage, PartnerEndpoint
from townhall.integrations.outbound import OutboundRefused, outbound_client, outbound_url_check
from townhall.integrations.outbox.delivery import outbox_work
from townhall.integrations.tests.outbound_fakes import PUBLIC, one_message


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "127.0.0.1 is a loopback address"),
        ("https://127.9.9.9:8443/hook", "loopback"),
        ("https://10.1.2.3/hook", "10.1.2.3 is a private address"),
        ("https://192.168.0.10/hook", "private address"),
        ("https://169.254.169.254/latest/meta-data/", "link-local address"),
        ("https://[::1]/hook", "::1 is a loopback address"),
        ("https://[fe80::1]/hook", "link-local"),
        ("https://[::ffff:10.0.0.1]/hook", "private address (as the IPv4 address 10.0.0.1"),
        ("https://[::ffff:169.254.169.254]/", "link-local"),
        ("https://[64:ff9b::a9fe:a9fe]/", "link-local"),
        ("https://[2002:7f00:1::]/", "loopback"),
        ("https://100.64.3.4/hook", "carrier-grade NAT"),
        ("https://0.0.0.0/hook", "unspecified"),
        ("https://224.0.0.251/hook", "multicast"),
        ("https://240.0.0.1/hook", "reserved"),
        ("http://partner.example.com/hook", "must start https://"),
        ("https://user:secret@partner.example.com/hook", "user name or password"),
        ("https://nowhere.example.org/hook", "nowhere.example.org could not be found"),
        ("ftp://partner.example.com/hook", "Enter a full web address"),
        ("not a url", "Enter a full web address"),
    ],
)
def test_an_address_the_server_must_not_reach_is_refused_with_the_reason(production, url, reason):
    with pytest.raises(OutboundRefused, match=reason.replace("(", r"\(").replace(".", r"\.")):
        outbound_url_check(url)


def test_a_name_resolving_to_a_private_address_is_refused(production, dns):
    dns.set("intranet.example.com", ["192.168.1.5"])
    with pytest.raises(OutboundRefused) as refused:
        outbound_url_check("https://intranet.example.com/hook")
    assert refused.value.reason == (
        "intranet.example.com resolves to 192.168.1.5, which is a private address; "
        "the server may not connect to it."
    )


def test_a_name_with_one_public_and_one_private_address_is_refused(production, dns):
    dns.set("mixed.example.com", [PUBLIC, "10.0.0.7"])
    with pytest.raises(OutboundRefused, match="10.0.0.7, which is a private address"):
        outbound_url_check("https://mixed.example.com/hook")


def test_a_public_https_address_is_accepted(production):
    assert outbound_url_check(" https://partner.example.com/hook ") == (
        "https://partner.example.com/hook"
    )


def test_plain_http_is_accepted_in_the_demo_only(production):
    production.DEMO = True
    assert outbound_url_check("http://partner.example.com/hook")


def test_the_operator_allow_list_lets_its_own_local_receivers_through_and_no_others(production):
    production.OUTBOUND_ALLOW_HOSTS = ["127.0.0.1:8010", "[::1]:8020"]
    assert outbound_url_check("http://127.0.0.1:8010/jobs")
    assert outbound_url_check("http://[::1]:8020/v1/payments")
    with pytest.raises(OutboundRefused, match="loopback"):
        outbound_url_check("https://127.0.0.1:8011/jobs")


def test_a_partner_list_of_hosts_narrows_what_its_address_may_name(production):
    with pytest.raises(OutboundRefused, match="not one of this partner's allowed hosts"):
        outbound_url_check("https://partner.example.com/x", partner_hosts=["api.greenway.example"])
    assert outbound_url_check(
        "https://partner.example.com/x", partner_hosts=["partner.example.com"]
    )


# Connect time: the name is resolved again and the connection goes to the checked address.


def test_the_connection_goes_to_the_address_that_was_checked(production, dns, monkeypatch):
    opened: list[tuple[str, int]] = []

    def connect(self: Any, host: str, port: int, *args: Any) -> Any:
        opened.append((host, port))
        raise httpcore.ConnectError("stopped by the test")

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", connect)
    with outbound_client() as client, pytest.raises(httpx.ConnectError, match="stopped"):
        client.post("https://partner.example.com:8443/hook", content=b"{}")
    # The socket goes to the address checked; the pool and TLS keep the name (SNI, certificate).
    assert opened == [(PUBLIC, 8443)]
    assert dns.asked == ["partner.example.com"]


def test_a_name_resolving_inside_is_refused_before_any_socket_opens(production, dns, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(
        httpcore.SyncBackend, "connect_tcp", lambda self, host, *a: opened.append(host)
    )
    dns.set("metadata.example.com", ["169.254.169.254"])
    with outbound_client() as client, pytest.raises(OutboundRefused, match="link-local"):
        client.post("https://metadata.example.com/latest/meta-data/", content=b"{}")
    assert opened == []


def test_plain_http_is_refused_at_connect_outside_the_demo(production, monkeypatch):
    with outbound_client() as client, pytest.raises(OutboundRefused, match="plain http"):
        client.post("http://partner.example.com/hook", content=b"{}")


def test_redirects_are_not_followed(production, dns, monkeypatch):
    calls: list[str] = []

    def answer(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/"})

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", answer)
    with outbound_client() as client:
        assert client.get("https://partner.example.com/").status_code == 302
    assert len(calls) == 1


NUMERIC_LOOPBACK = ["2130706433", "0x7f000001", "017700000001", "127.1", "0177.0.0.1"]


@pytest.mark.parametrize("host", NUMERIC_LOOPBACK)
def test_loopback_written_as_a_number_is_refused_when_saved(settings, host):
    settings.DEMO, settings.OUTBOUND_ALLOW_HOSTS = False, []
    with pytest.raises(OutboundRefused):
        outbound_url_check(f"https://{host}/hook")


@pytest.mark.parametrize(
    ("host", "refusal"),
    [*[(h, OutboundRefused) for h in NUMERIC_LOOPBACK if h != "0177.0.0.1"],
     ("0177.0.0.1", httpx.InvalidURL),  # httpx itself will not read this one as a host
     ("localhost", OutboundRefused), ("[0:0:0:0:0:ffff:7f00:1]", OutboundRefused)],
)  # fmt: skip
def test_loopback_written_any_way_is_refused_at_connect_by_the_real_resolver(
    settings, monkeypatch, host, refusal
):
    settings.DEMO, settings.OUTBOUND_ALLOW_HOSTS = False, []
    opened: list[str] = []
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", lambda self, h, *a: opened.append(h))
    with outbound_client() as client, pytest.raises(refusal) as refused:
        client.post(f"https://{host}/hook", content=b"{}")
    assert opened == []
    if refusal is OutboundRefused:
        assert "loopback" in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_a_name_that_cannot_be_resolved_when_sending_is_retried_not_dead_lettered(
    production, dns, settings
):
    settings.OUTBOX_BACKOFF_BASE_SECONDS = settings.OUTBOX_BACKOFF_CAP_SECONDS = 60
    dns.set("flaky.example.com", [PUBLIC])
    url = outbound_url_check("https://flaky.example.com/hook")
    PartnerEndpoint.objects.create(name="flaky", title="Flaky", url=url, secret="s")
    del dns.names["flaky.example.com"]  # DNS fails from now on
    message = one_message("flaky")
    outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.last_error.startswith("Not sent: flaky.example.com could not be found")
