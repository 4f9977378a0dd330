"""Shared set-up and steps of the browser tests that follow a resident through a paid service:
the demo council loaded and the GOV.UK Pay sandbox running (`demo_with_pay`), signing in,
answering a form to its check page, paying on the sandbox's card page. A pytest plugin (see the
root conftest.py), so every app's browser tests can ask for the fixture."""

import tempfile
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.utils import timezone

from townhall.core.tests.partners import PaySandbox
from townhall.portal.tests.fixtures import photo_bytes

RESIDENT = ("resident@example.com", "Resident-demo-1")
WASTE_OFFICER = ("waste.officer@example.gov.uk", "Officer-demo-1")
CARD_PAID, CARD_DECLINED = "4444 3333 2222 1111", "4000 0000 0000 0002"


@pytest.fixture
def demo_with_pay(live_server, pay_sandbox: PaySandbox, settings) -> PaySandbox:
    """The demo council (services, people, no cases) served by the live server, with the Pay
    sandbox running; quick password hashing and mail kept in memory."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("load_demo", "--cases", "0", verbosity=0)
    return pay_sandbox


def answer_page(page) -> None:
    """Answer every question on the current form page with something valid."""
    today = timezone.localdate()  # now, not at import: a run may cross midnight
    for query in page.locator("input[name$='-query']").all():
        query.fill("TN23 1AA")
        page.get_by_role("button", name="Find").first.click()
        # Addresses arrive in place (htmx); street choices for a location come with a new page.
        page.locator("select[name$='-uprn'], input[type=radio][name$='-choice']").first.wait_for()
        select = page.locator("select[name$='-uprn']")
        if select.count():
            select.select_option(index=1)
        else:
            page.locator("input[type=radio][name$='-choice']").first.check()
        return  # the address/location field is alone on its page
    for day in page.locator("input[name$='-day']").all():
        name = day.get_attribute("name").removesuffix("-day")
        day.fill(str(today.day))
        page.locator(f"input[name='{name}-month']").fill(str(today.month))
        page.locator(f"input[name='{name}-year']").fill(str(today.year))
    seen_radio_groups = set()
    for radio in page.locator("input[type=radio]").all():
        name = radio.get_attribute("name")
        if name not in seen_radio_groups:
            seen_radio_groups.add(name)
            radio.check()
    boxes = page.locator("input[type=checkbox]")
    if boxes.count():
        boxes.first.check()
    for select in page.locator("select").all():
        select.select_option(index=1)
    for field in page.locator(
        "input[type=text]:not([name$='-day']):not([name$='-month']):not([name$='-year']), textarea"
    ).all():
        if field.input_value():
            continue
        mode = field.get_attribute("inputmode")
        field.fill("2" if mode in ("numeric", "decimal") else "Test")
    for upload in page.locator("input[type=file]").all():
        with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as fh:
            fh.write(photo_bytes(fmt="PNG"))
        upload.set_input_files(fh.name)
    for field in page.locator("input[type=email]").all():
        field.fill("tester@example.com")
    for field in page.locator("input[type=tel]").all():
        field.fill("07700 900982")


def sign_in(page, url: str, person: tuple[str, str] = RESIDENT) -> None:
    """Sign in on the sign-in page at `url` (the resident's, or the desk's)."""
    email, password = person
    page.goto(url)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def form_answer_to_check(page, on_each_page: Callable[[object], None] | None = None) -> None:
    """Answer each page of the started form until its check page (`on_each_page` looks at
    every page first)."""
    for _ in range(15):
        if "/check/" in page.url:
            break
        if on_each_page:
            on_each_page(page)
        answer_page(page)
        page.get_by_role("button", name="Continue").click()


def card_pay(page, pay_sandbox: PaySandbox, card: str = CARD_PAID) -> None:
    """On the sandbox's card page, pay with `card` (paid unless the declined card)."""
    page.wait_for_url(f"{pay_sandbox.url}/card/**")
    page.get_by_label("Card number").fill(card)
    page.get_by_role("button", name="Continue").click()
