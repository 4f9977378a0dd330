"""The staff menu marks the page's own item, and only that one."""

import pytest
from django.urls import resolve

from townhall.desk.templatetags.desk_nav import desk_section


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/staff/", "cases"),
        ("/staff/work/", "work"),
        ("/staff/permits/", "permits"),
        ("/staff/contact/", "contact"),
        ("/staff/slots/", "slots"),
        ("/staff/slots/make/", "slots"),
        ("/staff/services/", "services"),
        ("/staff/figures/", "figures"),
        ("/staff/integrations/", "integrations"),
    ],
)
def test_each_desk_page_marks_its_own_menu_item(path, section):
    assert desk_section(resolve(path)) == section


def test_a_page_without_a_route_falls_back_to_cases():
    assert desk_section(None) == "cases"
