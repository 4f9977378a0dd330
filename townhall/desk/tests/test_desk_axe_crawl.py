"""Every desk page passes axe-core: an administrator (who reaches every desk page) walks the
demo council's desk from /staff/, following each link to a desk page it has not seen the
like of, and axe checks each one in Chromium. Pages that differ only by a reference or an
id count as one, so the walk stays short while reaching every kind of page."""

import re
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from townhall.core.tests.browser import DESKTOP, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES_MAX = 80
# Links that change something, download a file or leave the desk are not followed.
SKIP = re.compile(r"(sign-out|/export|\.csv|reconciliation/\?.*download|/attachments/|\.geojson)")


def _pattern(path: str) -> str:
    """The kind of page a path is: references and ids replaced, query keys kept."""
    parts = urlsplit(path)
    shape = re.sub(r"[A-Z][A-Z0-9]{1,3}-\d{4}-\d+", "<ref>", parts.path)
    shape = re.sub(r"/\d+/", "/<id>/", shape)
    shape = re.sub(r"/[0-9a-f-]{36}/", "/<uuid>/", shape)
    shape = re.sub(r"^/staff/processes/[a-z0-9-]+/", "/staff/processes/<slug>/", shape)
    shape = re.sub(
        r"^/staff/services/(?!new/|import/)[a-z0-9-]+/", "/staff/services/<slug>/", shape
    )
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    # Different filters show the same page; only a search or a page of a list differs.
    keys = [k for k in keys if k in {"q", "status", "after", "before", "email", "postcode"}]
    return shape + ("?" + "&".join(keys) if keys else "")


def test_every_kind_of_desk_page_has_no_axe_violations(live_server, browser):
    call_command("load_demo", "--cases", "40", stdout=StringIO())

    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    page.goto(live_server.url + "/staff/")
    page.get_by_label("Email address").fill("admin@example.gov.uk")
    page.get_by_label("Password", exact=True).fill("Admin-demo-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")

    seeds = [
        "/staff/",
        "/staff/?status=all",  # more than a page: its Next link leads to a keyset page
        "/staff/contact/?q=resident@example.com",
        "/staff/audit/?email=resident@example.com",
        "/staff/records/?postcode=TN23+1AA",
    ]
    queue, seen, visited = list(seeds), set(), []
    while queue and len(visited) < PAGES_MAX:
        path = queue.pop(0)
        shape = _pattern(path)
        if shape in seen:
            continue
        seen.add(shape)
        response = page.goto(live_server.url + path)
        assert response is not None and response.status < 500, (
            f"{path}: {response and response.status}"
        )
        if response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        path = page.url[len(live_server.url) :]  # where any redirect led
        seen.add(_pattern(path))
        desk.check(path)
        visited.append(path)
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            target = urljoin(path, href)
            if target.startswith(live_server.url):
                target = target[len(live_server.url) :]
            if target.startswith("/staff/") and not SKIP.search(target):
                queue.append(target.split("#")[0])

    kinds = {re.sub(r"\?.*", "", _pattern(p)) for p in visited}
    # The walk must really have reached the desk's corners, not stopped at the queue.
    for expected in (
        "/staff/cases/<ref>/",
        "/staff/contact/",
        "/staff/contact/people/<id>/",
        "/staff/work/",
        "/staff/audit/",
        "/staff/audit/people/<id>/",
        "/staff/figures/",
        "/staff/processes/<slug>/edit/",
    ):
        assert expected in kinds, f"{expected} not reached; reached {sorted(kinds)}"
    print("axe-checked desk pages:", *visited, sep="\n  ")  # noqa: T201 (the run's figures, read with -s)
    assert len(visited) >= 12, visited
