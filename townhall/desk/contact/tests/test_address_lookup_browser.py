"""The address lookup with JavaScript: "Find address" swaps in the list of addresses (htmx)
without reloading the page, and the list takes the focus; a postcode with no addresses shows
its error in place. axe checks each state on a phone."""

import pytest

from townhall.core.tests.browser import new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_address_fills_in_the_list_without_reloading(live_server, browser, missed_bin):
    phone = new_page(browser)
    page = phone.page
    page.goto(f"{live_server.url}/services/{missed_bin.slug}/")
    page.get_by_role("button", name="Start now").click()
    page.wait_for_url("**/address/")
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Postcode or street name").fill("zz99 9zz")
    page.get_by_role("button", name="Find address").click()
    page.locator("[data-address-lookup] .govuk-error-message").wait_for()
    phone.check("no address found, in place")

    page.get_by_label("Postcode or street name").fill("tn23 1aa")
    page.get_by_role("button", name="Find address").click()
    select = page.get_by_label("Select an address")
    select.wait_for()
    assert page.evaluate("window.notReloaded") is True  # the same page, not a new one
    # The list takes the focus once htmx has settled the new content.
    page.wait_for_function("document.activeElement.tagName === 'SELECT'")
    phone.check("addresses found, in place")
    select.select_option(index=1)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/bin-type/")
