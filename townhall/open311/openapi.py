"""The OpenAPI 3.1 description of the Open311 GeoReport v2 routes (JSON format; each route also
answers in XML with the `.xml` suffix). Served at /open311/v2/openapi.json; schemathesis
drives the API from it in the tests, checking every answer against these schemas.

The bodies are typed below, one TypedDict per JSON object GeoReport v2 sends or accepts (the
dicts `formats.py` builds and the forms clients post), and pydantic generates their JSON
Schemas into `components.schemas`, as django-ninja does for the staff API. No library
describes a route that answers JSON or XML by suffix, so the paths stay written here; they
name the generated schemas by reference."""

from functools import cache
from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field, TypeAdapter

# pydantic reads TypedDicts from typing_extensions on Python 3.11 (typing's lacks what it needs).
from typing_extensions import TypedDict

REF = "#/components/schemas/{model}"


class Error(TypedDict):
    """One error; a refused request answers with a list of them."""

    code: Annotated[int, Field(description="The HTTP status.")]
    description: str


class Endpoint(TypedDict):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Discovery(TypedDict):
    """Where the API is, which formats it answers in, and how to ask for a key."""

    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Service(TypedDict):
    """A service a client may report to. `keywords` has "inactive" for a service that takes no
    new reports and "private" for one whose reports are never shown (mySociety's keywords)."""

    service_code: str
    service_name: str
    description: NotRequired[str]
    metadata: Annotated[bool, Field(description="Whether it has attributes to answer.")]
    type: Literal["realtime", "batch", "blackbox"]
    keywords: NotRequired[str]
    group: NotRequired[str]
    groups: NotRequired[list[str]]


class AttributeValue(TypedDict, total=False):
    key: str
    name: str


class Attribute(TypedDict):
    """A question a service asks (mySociety's `automated` for one the server fills)."""

    variable: bool
    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    datatype_description: NotRequired[str]
    order: int
    description: str
    automated: NotRequired[Literal["server_set", "hidden_field"]]
    values: NotRequired[list[AttributeValue]]


class ServiceDefinition(TypedDict):
    service_code: str
    attributes: list[Attribute]


class ServiceRequest(TypedDict):
    """A service request, accepted or opened as a case; contact details are never shown."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: NotRequired[str | None]
    service_name: NotRequired[str]
    service_code: str
    description: NotRequired[str | None]
    agency_responsible: NotRequired[str | None]
    service_notice: NotRequired[str | None]
    requested_datetime: str
    updated_datetime: NotRequired[str | None]
    expected_datetime: NotRequired[str | None]
    address: NotRequired[str | None]
    address_id: NotRequired[str | None]
    zipcode: NotRequired[str | None]
    lat: NotRequired[float | None]
    long: NotRequired[float | None]
    media_url: NotRequired[str | None]


class RequestCreated(TypedDict):
    """The id a new request gets at once (no token is ever issued)."""

    service_request_id: str
    token: NotRequired[str | None]
    service_notice: NotRequired[str | None]
    account_id: NotRequired[str | None]


class RequestToken(TypedDict, total=False):
    service_request_id: str
    token: str


class RequestUpdate(TypedDict):
    """mySociety's request_update: a change of a request's status, with the council's words."""

    update_id: str
    service_request_id: str
    status: str
    updated_datetime: str
    description: NotRequired[str | None]
    media_url: NotRequired[str | None]
    external_status_code: NotRequired[str | None]


class UpdateCreated(TypedDict):
    update_id: str


class ReportForm(TypedDict, total=False):
    """A report posted by a client (form-encoded); the service checks each field and says
    what is wrong, so every field is optional here."""

    api_key: str
    service_code: str
    lat: str
    long: str
    address_string: str
    address_id: str
    email: str
    first_name: str
    last_name: str
    phone: str
    description: str
    media_url: str
    jurisdiction_id: str


class UpdateForm(TypedDict, total=False):
    """A client's update on one of its requests (mySociety's servicerequestupdates)."""

    api_key: str
    service_request_id: str
    update_id: str
    status: str
    description: str
    updated_datetime: str
    email: str
    first_name: str
    last_name: str
    media_url: str


# Each body the paths use: a name for it here, and the type whose schema pydantic generates.
BODIES: dict[str, Any] = {
    "errors": Annotated[list[Error], Field(min_length=1)],
    "discovery": Discovery,
    "services": list[Service],
    "service_definition": ServiceDefinition,
    "requests": list[ServiceRequest],
    "created": list[RequestCreated],
    "tokens": list[RequestToken],
    "updates": list[RequestUpdate],
    "update_created": list[UpdateCreated],
    "report_form": ReportForm,
    "update_form": UpdateForm,
}


@cache
def _schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """Each body's schema (referring to the components) and the components themselves."""
    generated, definitions = TypeAdapter.json_schemas(
        [(name, "serialization", TypeAdapter(body)) for name, body in BODIES.items()],
        ref_template=REF,
    )
    return {name: schema for (name, _mode), schema in generated.items()}, definitions["$defs"]


def _ok(body: str, what: str) -> dict[str, Any]:
    return {"description": what, "content": {"application/json": {"schema": _schemas()[0][body]}}}


def _form(body: str) -> dict[str, Any]:
    schema = _schemas()[0][body]
    return {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    refused = _ok("errors", "A list of errors, each with the HTTP status as its code.")
    return {str(code): refused for code in (*codes, 405, 429)}


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string", **schema}}  # fmt: skip


def _path(name: str, pattern: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "string", "pattern": pattern}}  # fmt: skip


def openapi_document(base: str = "/open311/v2") -> dict[str, Any]:
    """The OpenAPI document of the routes under `base`, with the bodies' generated schemas."""
    window = [
        _query(
            "start_date",
            "W3C date and time; the default window is the last 90 days.",
            format="date-time",
        ),
        _query("end_date", "W3C date and time.", format="date-time"),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Open311 GeoReport v2",
            "version": "2",
            "description": "GeoReport v2 with mySociety's extensions (servicerequestupdates, "
            "extended statuses, groups, automated attributes). Every route also answers in "
            "XML with the .xml suffix.",
        },
        "paths": {
            f"{base}/discovery.json": {"get": {
                "operationId": "discovery",
                "responses": {"200": _ok("discovery", "Endpoints and formats."), **_errors()},
            }},
            f"{base}/services.json": {"get": {
                "operationId": "services",
                "parameters": [_query("jurisdiction_id", "Accepted and ignored.")],
                "responses": {"200": _ok("services", "Services."), **_errors()},
            }},
            f"{base}/services/{{service_code}}.json": {"get": {
                "operationId": "service_definition",
                "parameters": [_path("service_code", "^[a-z0-9_]+$")],
                "responses": {"200": _ok("service_definition", "The service's attributes."),
                              **_errors(404)},
            }},
            f"{base}/requests.json": {
                "get": {
                    "operationId": "requests",
                    "parameters": [
                        _query("service_request_id", "Comma-separated ids."),
                        _query("service_code", "Comma-separated codes."),
                        _query("status", "open or closed, comma-separated."),
                        *window,
                    ],
                    "responses": {"200": _ok("requests", "Requests, newest first, each from "
                                             "the moment its POST is answered."),
                                  **_errors(400)},
                },
                "post": {
                    "operationId": "request_create",
                    "requestBody": _form("report_form"),
                    "responses": {"200": _ok("created", "The new request's id."),
                                  **_errors(400, 403, 413)},
                },
            },
            f"{base}/requests/{{service_request_id}}.json": {"get": {
                "operationId": "request",
                "parameters": [_path("service_request_id", "^[A-Za-z0-9-]+$")],
                "responses": {"200": _ok("requests", "One request."), **_errors(404)},
            }},
            f"{base}/tokens/{{token}}.json": {"get": {
                "operationId": "token",
                "parameters": [_path("token", "^[A-Za-z0-9-]+$")],
                "responses": {"200": _ok("tokens", "The request of a token."), **_errors(404)},
            }},
            f"{base}/servicerequestupdates.json": {
                "get": {
                    "operationId": "updates",
                    "parameters": [_query("api_key", "The client's key."), *window],
                    "responses": {"200": _ok("updates", "Updates, oldest first."),
                                  **_errors(400, 403)},
                },
                "post": {
                    "operationId": "update_create",
                    "requestBody": _form("update_form"),
                    "responses": {"200": _ok("update_created", "The update's id."),
                                  **_errors(400, 403, 404, 409, 413)},
                },
            },
        },
        "components": {"schemas": _schemas()[1]},
    }  # fmt: skip
