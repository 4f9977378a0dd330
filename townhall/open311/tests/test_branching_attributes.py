"""Questions a branch may skip are not required of every client, but are required when the
report's own answers lead to them (as in the portal's form)."""

import pytest

from townhall.cases.models import Case
from townhall.open311.selectors import pages_always_visited
from townhall.open311.tests.factories import BASE, good_report, make_open311_world

pytestmark = pytest.mark.django_db

URL = BASE + "requests.json"


@pytest.fixture
def world():
    return make_open311_world()


def test_service_definition_requires_only_questions_on_every_route(client, world):
    definition = client.get(BASE + "services/fly_tipping.json").json()
    required = {a["code"]: a["required"] for a in definition["attributes"]}
    assert required["waste"] is True
    assert required["size"] is False  # skipped for asbestos
    assert required["risk"] is False  # asked only about asbestos


def test_a_question_on_the_reports_route_is_required(client, world):
    response = client.post(URL, good_report(**{"attribute[size]": None}))
    assert response.status_code == 400
    [error] = response.json()
    assert error["description"].startswith("attribute[size] is required with the answers given")
    assert not Case.objects.exists()


def test_a_question_off_the_reports_route_is_not_required(client, world):
    asbestos = good_report(**{"attribute[waste][]": ["asbestos"], "attribute[size]": None})
    refused = client.post(URL, asbestos)
    assert refused.status_code == 400
    assert "attribute[risk] is required" in refused.json()[0]["description"]
    accepted = client.post(URL, {**asbestos, "attribute[risk]": "no"})
    assert accepted.status_code == 200
    assert Case.objects.count() == 1


def test_pages_always_visited_follows_branches_and_show_if():
    pages = [
        {"id": "a"},
        {"id": "b", "next": [{"when": {"field": "x", "op": "eq", "value": 1}, "goto": "d"}]},
        {"id": "c"},
        {"id": "d", "show_if": {"field": "y", "op": "eq", "value": 2}},
        {"id": "e", "next": [{"goto": "g"}]},
        {"id": "f"},
        {"id": "g"},
    ]
    assert pages_always_visited(pages) == {"a", "b", "e", "g"}
