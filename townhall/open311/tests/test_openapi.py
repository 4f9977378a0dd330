"""The Open311 OpenAPI document: valid OpenAPI 3.1, its bodies' schemas generated from the typed
bodies in openapi.py, and real answers valid against them."""

import jsonschema
import pytest
import schemathesis
from django.test import Client
from jsonschema.exceptions import ValidationError

from townhall.open311.openapi import openapi_document
from townhall.open311.tests.factories import KEY, good_report, make_open311_world


def _validated(document: dict) -> None:
    schemathesis.openapi.from_dict(document).validate()


def test_the_served_document_is_valid_openapi_3_1():
    document = Client().get("/open311/v2/openapi.json").json()

    assert document["openapi"] == "3.1.0"
    _validated(document)
    assert "/open311/v2/requests.json" in document["paths"]


def test_a_document_that_breaks_openapi_is_caught():
    document = openapi_document()
    del document["paths"]["/open311/v2/services.json"]["get"]["responses"]["200"]["description"]

    with pytest.raises(Exception, match="description"):
        _validated(document)


def test_the_bodies_schemas_are_generated_components_the_paths_refer_to():
    document = openapi_document()
    components = document["components"]["schemas"]
    created = document["paths"]["/open311/v2/requests.json"]["post"]

    assert created["responses"]["200"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/RequestCreated"},
    }
    form = created["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert form == {"$ref": "#/components/schemas/ReportForm"}
    assert components["ServiceRequest"]["required"] == [
        "service_request_id", "status", "service_code", "requested_datetime",
    ]  # fmt: skip
    # Nullable in JSON Schema 2020-12's words, as OpenAPI 3.1 reads them.
    assert components["ServiceRequest"]["properties"]["lat"]["anyOf"] == [
        {"type": "number"},
        {"type": "null"},
    ]


def _body_validator(
    document: dict, path: str, method: str = "get"
) -> jsonschema.Draft202012Validator:
    """A validator for the 200 body of one route, resolving the components' references."""
    schema = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    whole = {**schema["schema"], "components": document["components"]}
    return jsonschema.Draft202012Validator(whole)


@pytest.mark.django_db
def test_real_answers_match_the_generated_schemas_and_a_wrong_one_does_not(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_open311_world()
    client, document = Client(), openapi_document()
    posted = client.post("/open311/v2/requests.json", good_report())
    assert posted.status_code == 200, posted.content
    reference = posted.json()[0]["service_request_id"]

    for path, method, answer in [
        ("/open311/v2/requests.json", "post", posted),
        ("/open311/v2/discovery.json", "get", client.get("/open311/v2/discovery.json")),
        ("/open311/v2/services.json", "get", client.get("/open311/v2/services.json")),
        ("/open311/v2/services/{service_code}.json", "get",
         client.get("/open311/v2/services/fly_tipping.json")),
        ("/open311/v2/requests/{service_request_id}.json", "get",
         client.get(f"/open311/v2/requests/{reference}.json")),
        ("/open311/v2/servicerequestupdates.json", "get",
         client.get("/open311/v2/servicerequestupdates.json", {"api_key": KEY})),
    ]:  # fmt: skip
        assert answer.status_code == 200, (path, answer.content)
        _body_validator(document, path, method).validate(answer.json())

    wrong = [{"service_request_id": reference, "status": "pending", "service_code": "x"}]
    validator = _body_validator(document, "/open311/v2/requests/{service_request_id}.json")
    with pytest.raises(ValidationError, match="'pending' is not one of"):
        validator.validate(wrong)
