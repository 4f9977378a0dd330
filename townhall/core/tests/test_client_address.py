import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from townhall.core.audit import audit_record
from townhall.core.client_address import client_ip

LB = "10.0.0.5"


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXIES = []

    assert client_ip(_request("192.0.2.66", "198.51.100.1")) == "192.0.2.66"


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = [LB]

    assert client_ip(_request("192.0.2.66", "10.0.0.5, 198.51.100.1")) == "192.0.2.66"


def test_forwarded_for_from_a_trusted_proxy_gives_the_client(settings):
    settings.TRUSTED_PROXIES = [LB]

    assert client_ip(_request(LB, "198.51.100.1")) == "198.51.100.1"


def test_the_right_most_untrusted_address_wins_over_what_the_client_wrote(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client wrote "1.1.1.1" itself; our edge proxy (10.1.1.1) saw it come from 203.0.113.9.
    request = _request(LB, "1.1.1.1, 203.0.113.9, 10.1.1.1")

    assert client_ip(request) == "203.0.113.9"


def test_a_chain_of_only_trusted_proxies_gives_the_furthest_one(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(_request(LB, "10.2.2.2, 10.1.1.1")) == "10.2.2.2"


def test_garbage_in_the_header_stops_the_walk_at_the_nearest_trusted_hop(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_ip(_request(LB, "not-an-address, 10.1.1.1")) == "10.1.1.1"
    assert client_ip(_request(LB, "")) == LB


def test_ports_and_ipv6_forms_are_understood(settings):
    settings.TRUSTED_PROXIES = [LB, "2001:db8:ffff::/48"]

    assert client_ip(_request(LB, "203.0.113.9:51234")) == "203.0.113.9"
    assert client_ip(_request(LB, "[2001:db8::1]:443")) == "2001:db8::1"
    assert client_ip(_request("2001:db8:ffff::2", "2001:db8::7")) == "2001:db8::7"
    assert client_ip(_request("::ffff:192.0.2.8")) == "192.0.2.8"


def test_no_usable_remote_address_is_none(settings):
    assert client_ip(_request("")) is None
    assert client_ip(None) is None


def test_a_bad_trusted_proxies_entry_says_which_and_how_to_write_it(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "the load balancer"]

    with pytest.raises(ImproperlyConfigured, match="'the load balancer' is not an IP address"):
        client_ip(_request(LB, "198.51.100.1"))


@pytest.mark.django_db
def test_audit_events_record_the_client_behind_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = [LB]

    event = audit_record(
        action="view", object_type="x", object_id=1, request=_request(LB, "198.51.100.1")
    )

    assert event.ip_address == "198.51.100.1"
