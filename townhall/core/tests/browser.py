"""Helpers for browser tests: a headless Debian Chromium driven by Playwright, and axe-core
(served from our own npm build) run on every page a test visits."""

import json
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.2 AA rules) on the page as it is now."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


class AxeCheckedPage:
    """Wraps a Playwright page: `check()` asserts zero axe violations and records the URL."""

    def __init__(self, page):
        self.page = page
        self.checked: list[str] = []

    def check(self, label: str = "") -> None:
        self.page.wait_for_load_state("load")
        violations = axe_violations(self.page)
        where = f"{label or ''} {self.page.url}".strip()
        assert violations == [], f"axe violations on {where}:\n{json.dumps(violations, indent=2)}"
        self.checked.append(where)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make browser` (scripts/install-browser.sh)"
        )
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, viewport=PHONE, **kwargs):
    # bypass_csp lets the test inject axe-core; the pages themselves keep their strict CSP.
    context = browser.new_context(viewport=viewport, bypass_csp=True, **kwargs)
    context.set_default_timeout(15_000)
    return AxeCheckedPage(context.new_page())
