"""discovery, services and service definitions, in both formats."""

import json

import pytest

from townhall.catalogue.models import Service
from townhall.demo.council import DEMO_SERVICES_DIR, demo_form_definition
from townhall.open311.tests.factories import BASE, good_report, make_open311_world, xml_root
from townhall.portal.tests.fixtures import make_service

pytestmark = pytest.mark.django_db

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"


@pytest.fixture
def world():
    return make_open311_world()


def test_discovery_names_the_endpoint_and_formats(client, world):
    response = client.get(BASE + "discovery.json")
    assert response["Content-Type"] == JSON_TYPE
    endpoint = response.json()["endpoints"][0]
    assert endpoint["url"].endswith("/open311/v2/")
    assert "application/json" in endpoint["formats"]
    root = xml_root(client.get(BASE + "discovery.xml").content)
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


def test_services_lists_offered_services_in_json_by_default(client, world):
    staff_only = make_service(slug="staff-only", name="Staff only", prefix="SO")
    no_code = make_service(slug="no-code", name="No code", prefix="NC")
    Service.objects.filter(pk=staff_only.pk).update(audience=Service.Audience.STAFF)
    Service.objects.filter(pk=no_code.pk).update(open311_code="")
    for path in ("services", "services.json"):
        response = client.get(BASE + path)
        assert response.status_code == 200
        assert response["Content-Type"] == JSON_TYPE
        assert response.json() == [
            {
                "service_code": "fly_tipping",
                "service_name": "Report fly-tipping",
                "description": "Tell us about rubbish dumped on public land.",
                "metadata": True,
                "type": "realtime",
                "keywords": "",
                "group": "Waste and street scene",
                "groups": ["Waste and street scene"],
            }
        ]


def test_services_in_xml(client, world):
    response = client.get(BASE + "services.xml")
    assert response["Content-Type"] == XML_TYPE
    root = xml_root(response.content)
    assert root.tag == "services"
    service = root.find("service")
    assert [child.tag for child in service] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
        "groups",
    ]
    assert [g.text for g in service.findall("groups/group")] == ["Waste and street scene"]
    assert service.findtext("metadata") == "true"
    assert service.findtext("group") == "Waste and street scene"


def test_service_definition_attributes_come_from_the_form(client, world):
    definition = client.get(BASE + "services/fly_tipping.json").json()
    assert definition["service_code"] == "fly_tipping"
    attributes = {a["code"]: a for a in definition["attributes"]}
    # Photos and the location are carried by Open311's own parameters.
    assert list(attributes) == [
        "waste",
        "size",
        "risk",
        "details",
        "fixmystreet_id",
        "closest_address",
    ]
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3, 4, 5, 6]
    # The client's own fields, filled by the client, never asked of the reporter.
    assert attributes["fixmystreet_id"]["automated"] == "server_set"
    assert attributes["fixmystreet_id"]["variable"] is False
    assert "automated" not in attributes["waste"] and attributes["waste"]["variable"] is True
    assert attributes["waste"]["datatype"] == "multivaluelist"
    assert attributes["waste"]["required"] is True
    assert attributes["waste"]["values"][0] == {"key": "bags", "name": "Household bags"}
    assert attributes["size"]["datatype"] == "singlevaluelist"
    # Asked only when asbestos is reported, so it cannot be required of everyone.
    assert attributes["risk"]["required"] is False
    assert [v["key"] for v in attributes["risk"]["values"]] == ["yes", "no"]
    assert attributes["details"]["datatype"] == "text"
    assert attributes["details"]["values"] == []
    assert attributes["details"]["description"] == "Describe the problem"


def test_service_definition_in_xml(client, world):
    response = client.get(BASE + "services/fly_tipping.xml")
    assert response["Content-Type"] == XML_TYPE
    root = xml_root(response.content)
    assert root.tag == "service_definition"
    first = root.find("attributes/attribute")
    assert first.findtext("code") == "waste"
    assert first.findtext("variable") == "true"
    assert [v.findtext("key") for v in first.findall("values/value")] == [
        "bags",
        "furniture",
        "asbestos",
    ]


@pytest.mark.parametrize("suffix", ["", ".json", ".xml"])
def test_unknown_service_code_is_a_404_error_list(client, world, suffix):
    response = client.get(BASE + "services/potholes" + suffix)
    assert response.status_code == 404
    if suffix == ".xml":
        root = xml_root(response.content)
        assert root.tag == "errors"
        assert root.find("error/code").text == "404"
        assert "potholes" in root.find("error/description").text
    else:
        assert json.loads(response.content)[0]["code"] == 404


def test_jurisdiction_id_is_accepted_and_an_empty_one_ignored(client, world):
    assert client.get(BASE + "services.json?jurisdiction_id=kingsmead").status_code == 200
    assert client.get(BASE + "services.json?jurisdiction_id=").status_code == 200


def test_unknown_route_is_a_spec_shaped_404(client, world):
    response = client.get(BASE + "nothing-here.xml")
    assert response.status_code == 404
    assert xml_root(response.content).tag == "errors"


def test_listing_services_costs_the_same_queries_however_many_there_are(
    client, world, django_assert_max_num_queries
):
    for n in range(5):
        service = make_service(slug=f"extra-{n}", name=f"Extra {n}", prefix=f"EX{n}")
        Service.objects.filter(pk=service.pk).update(open311_code=f"extra_{n}")
    with django_assert_max_num_queries(4):
        response = client.get(BASE + "services.json")
    assert len(response.json()) == 6


def test_other_methods_get_a_spec_shaped_405(client, world):
    response = client.post(BASE + "services.xml")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert xml_root(response.content).findtext("error/code") == "405"
    assert client.delete(BASE + "requests.json").status_code == 405
    assert client.head(BASE + "services.json").status_code == 200


# Every demo service with a form (an information service has none).
DEMO_FORMS = sorted(
    path for path in DEMO_SERVICES_DIR.glob("*.yaml") if "\nform: null\n" not in path.read_text()
)


@pytest.mark.parametrize("path", DEMO_FORMS, ids=lambda p: p.stem)
def test_every_demo_form_makes_a_well_formed_service_definition(client, path):
    definition = demo_form_definition(path.stem)
    service = make_service(definition=definition, slug=path.stem[:50], name=path.stem)
    response = client.get(BASE + "services/fly_tipping.xml")
    assert response.status_code == 200
    root = xml_root(response.content)
    for attribute in root.findall("attributes/attribute"):
        assert attribute.findtext("datatype") in {
            "string",
            "number",
            "datetime",
            "text",
            "singlevaluelist",
            "multivaluelist",
        }
        if attribute.findtext("datatype").endswith("valuelist"):
            assert attribute.findall("values/value")
    assert service.pk


def test_a_retired_service_is_listed_as_inactive_and_takes_no_reports(client, world):
    service, _ = world
    Service.objects.filter(pk=service.pk).update(is_published=False, keywords="rubbish, dumping")
    [listed] = client.get(BASE + "services.json").json()
    assert listed["keywords"] == "rubbish,dumping,inactive"
    assert client.get(BASE + "services/fly_tipping.json").status_code == 200
    response = client.post(BASE + "requests.json", good_report())
    assert response.status_code == 400
    assert "retired" in response.json()[0]["description"]
