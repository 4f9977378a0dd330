from django.urls import reverse

from townhall.core.links import link_with, service_start_url, site_links


def test_site_links_match_reverse():
    links = site_links()
    assert links["my_account"] == reverse("portal:my_account")
    assert links["staff"] == reverse("desk:home")


def test_link_with_matches_reverse_and_quotes_the_value():
    assert link_with("portal:request_detail", "FT-2026-000123") == reverse(
        "portal:request_detail", args=["FT-2026-000123"]
    )
    assert service_start_url("report-fly-tipping") == reverse(
        "portal:service_start", args=["report-fly-tipping"]
    )
    assert "/" not in link_with("portal:request_detail", "a/b").rsplit("/", 2)[-2]
