"""Addresses a person or partner set are checked when saved and again at connect time, after
DNS, so the server cannot be steered at itself, the council's network or a metadata service."""

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpcore
import httpx
import pytest
from django.core.exceptions import ValidationError

from townhall.accounts.models import User
from townhall.core.models import AuditEvent
from townhall.desk.tests.factories import user_make
from townhall.integrations import outbound
from townhall.integrations.models import OutboxMessage, PartnerEndpoint
from townhall.integrations.outbound import OutboundRefused, outbound_client, outbound_url_check
from townhall.integrations.outbox.delivery import outbox_work
from townhall.integrations.outbox.services import outbox_enqueue
from townhall.open311.clients import api_client_create, api_client_push_set, push_partner_name

PUBLIC = "93.184.216.34"


class FakeDns:
    """Names resolve to what the test says; an answer may be a list of answers in turn (the
    last repeats), to play DNS rebinding. IP literals resolve to themselves, as getaddrinfo's."""

    def __init__(self) -> None:
        self.names: dict[str, list[list[str]]] = {}
        self.asked: list[str] = []

    def set(self, name: str, *answers: list[str]) -> None:
        self.names[name] = list(answers)

    def __call__(self, host: str, port: int) -> list[Any]:
        self.asked.append(host)
        if host in self.names:
            answers = self.names[host]
            addresses = answers.pop(0) if len(answers) > 1 else answers[0]
        else:
            try:
                addresses = [str(ipaddress.ip_address(host))]
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]


@pytest.fixture
def dns(monkeypatch) -> FakeDns:
    fake = FakeDns()
    fake.set("partner.example.com", [PUBLIC])
    monkeypatch.setattr(outbound, "_getaddrinfo", fake)
    return fake


@pytest.fixture
def production(settings, dns):
    """Outside the demo, with no local receivers allowed: production's rules."""
    settings.DEMO = False
    settings.OUTBOUND_ALLOW_HOSTS = []
    return settings


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


class Receiver:
    """A local HTTP server answering every POST with a set status and body, counting hits."""

    def __init__(self, status: int, body: bytes) -> None:
        self.status, self.body, self.hits = status, body, 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                receiver.hits += 1
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Callable[[int, bytes], Receiver]]:
    made: list[Receiver] = []

    def make(status: int, body: bytes) -> Receiver:
        made.append(Receiver(status, body))
        return made[-1]

    yield make
    for r in made:
        r.close()


def _one_message(partner: str) -> OutboxMessage:
    return outbox_enqueue(
        partner=partner, operation="service_request_update", payload={"status": "FIXED"},
        idempotency_key=f"{partner}-1", correlation="FT-2026-000001",
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_name_rebound_to_loopback_after_saving_is_refused_at_connect(production, dns, receiver):
    production.DEMO = True  # plain http, so the local receiver could be reached if allowed
    local = receiver(200, b'{"ok": true}')
    dns.set("rebind.example.com", [PUBLIC], ["127.0.0.1"])
    url = outbound_url_check(f"http://rebind.example.com:{local.port}/hook")
    PartnerEndpoint.objects.create(name="rebinder", title="Rebinder", url=url, secret="s")
    message = _one_message("rebinder")
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
    message = _one_message("local")
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
    message = _one_message("local")
    outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert local.hits == 0
    assert message.status == OutboxMessage.Status.DEAD
    assert message.last_error.startswith("Not sent: The address must start https://")


@pytest.mark.django_db(transaction=True)
def test_a_partner_narrowed_to_other_hosts_is_not_sent_to(settings, receiver):
    local = receiver(200, b"{}")
    PartnerEndpoint.objects.create(
        name="local", title="Local", url=f"http://127.0.0.1:{local.port}/jobs", secret="s",
        allowed_hosts=["api.greenway.example"],
    )  # fmt: skip
    message = _one_message("local")
    outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert local.hits == 0
    assert "not one of this partner's allowed hosts" in message.last_error


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("status", "kept"), [(500, "HTTP 500 (Internal Server Error)"),
                                             (403, "HTTP 403 (Forbidden)")])  # fmt: skip
def test_only_the_status_of_a_partner_reply_is_kept_never_its_body(receiver, status, kept):
    local = receiver(status, b"root:x:0:0:root:/root:/bin/bash INTERNAL-SECRET")
    PartnerEndpoint.objects.create(
        name="local", title="Local", url=f"http://127.0.0.1:{local.port}/jobs", secret="s",
        max_attempts=1,
    )  # fmt: skip
    message = _one_message("local")
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
        partner="p", operation="o", idempotency_key="k1", status="dead",
        last_error="Refused for good. HTTP 404 from the partner: <html>secret admin page</html>",
    )  # fmt: skip
    delivered = OutboxMessage.objects.create(
        partner="p", operation="o", idempotency_key="k2", status="delivered",
        response={"internal": "data"},
    )  # fmt: skip
    migration.reply_bodies_drop(apps, None)
    old.refresh_from_db()
    delivered.refresh_from_db()
    assert old.last_error == "Refused for good. HTTP 404 (Not Found) from the partner."
    assert delivered.response == {}


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
    said = _command("greenway", "https://api.greenway.example/v2/jobs",
                    "--allow-host", "API.greenway.example")  # fmt: skip
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
    message = _one_message("flaky")
    outbox_work(worker="w1", threads=1, until_idle=True)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.last_error.startswith("Not sent: flaky.example.com could not be found")
