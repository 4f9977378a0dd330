"""The OpenAPI 3 description of the Open311 GeoReport v2 routes (JSON format; each route also
answers in XML with the `.xml` suffix). Served at /open311/v2/openapi.json; schemathesis
drives the API from it in the tests."""

from typing import Any

ERRORS = {
    "description": "A list of errors, each with the HTTP status as its code.",
    "content": {
        "application/json": {
            "schema": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["code", "description"],
                    "properties": {
                        "code": {"type": "integer"},
                        "description": {"type": "string"},
                    },
                },
            }
        }
    },
}
NULLABLE_STRING = {"type": "string", "nullable": True}
NULLABLE_NUMBER = {"type": "number", "nullable": True}

SERVICE = {
    "type": "object",
    "required": ["service_code", "service_name", "metadata", "type"],
    "properties": {
        "service_code": {"type": "string"},
        "service_name": {"type": "string"},
        "description": {"type": "string"},
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": {"type": "string"},
        "group": {"type": "string"},
        "groups": {"type": "array", "items": {"type": "string"}},
    },
}
ATTRIBUTE = {
    "type": "object",
    "required": ["variable", "code", "datatype", "required", "order", "description"],
    "properties": {
        "variable": {"type": "boolean"},
        "code": {"type": "string"},
        "datatype": {
            "type": "string",
            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"],
        },
        "required": {"type": "boolean"},
        "datatype_description": {"type": "string"},
        "order": {"type": "integer"},
        "description": {"type": "string"},
        "automated": {"type": "string", "enum": ["server_set", "hidden_field"]},
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
            },
        },
    },
}
REQUEST = {
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "properties": {
        "service_request_id": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": NULLABLE_STRING,
        "service_name": {"type": "string"},
        "service_code": {"type": "string"},
        "description": NULLABLE_STRING,
        "agency_responsible": NULLABLE_STRING,
        "service_notice": NULLABLE_STRING,
        "requested_datetime": {"type": "string"},
        "updated_datetime": NULLABLE_STRING,
        "expected_datetime": NULLABLE_STRING,
        "address": NULLABLE_STRING,
        "address_id": NULLABLE_STRING,
        "zipcode": NULLABLE_STRING,
        "lat": NULLABLE_NUMBER,
        "long": NULLABLE_NUMBER,
        "media_url": NULLABLE_STRING,
    },
}
CREATED = {
    "type": "object",
    "required": ["service_request_id"],
    "properties": {
        "service_request_id": {"type": "string"},
        "token": NULLABLE_STRING,
        "service_notice": NULLABLE_STRING,
        "account_id": NULLABLE_STRING,
    },
}
UPDATE = {
    "type": "object",
    "required": ["update_id", "service_request_id", "status", "updated_datetime"],
    "properties": {
        "update_id": {"type": "string"},
        "service_request_id": {"type": "string"},
        "status": {"type": "string"},
        "updated_datetime": {"type": "string"},
        "description": NULLABLE_STRING,
        "media_url": NULLABLE_STRING,
        "external_status_code": NULLABLE_STRING,
    },
}


def _ok(schema: dict[str, Any], what: str) -> dict[str, Any]:
    return {"description": what, "content": {"application/json": {"schema": schema}}}


def _array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


def _query(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): ERRORS for code in (*codes, 405, 429)}


REPORT_FIELDS = {
    "api_key": {"type": "string"},
    "service_code": {"type": "string"},
    "lat": {"type": "string"},
    "long": {"type": "string"},
    "address_string": {"type": "string"},
    "address_id": {"type": "string"},
    "email": {"type": "string"},
    "first_name": {"type": "string"},
    "last_name": {"type": "string"},
    "phone": {"type": "string"},
    "description": {"type": "string"},
    "media_url": {"type": "string"},
    "jurisdiction_id": {"type": "string"},
}
UPDATE_FIELDS = {
    "api_key": {"type": "string"},
    "service_request_id": {"type": "string"},
    "update_id": {"type": "string"},
    "status": {"type": "string"},
    "description": {"type": "string"},
    "updated_datetime": {"type": "string"},
    "email": {"type": "string"},
    "first_name": {"type": "string"},
    "last_name": {"type": "string"},
    "media_url": {"type": "string"},
}


def openapi_document(base: str = "/open311/v2") -> dict[str, Any]:
    form = lambda fields: {  # noqa: E731
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {"type": "object", "properties": fields}
            }
        },
    }
    window = [
        _query(
            "start_date",
            "W3C date and time; the default window is the last 90 days.",
            format="date-time",
        ),
        _query("end_date", "W3C date and time.", format="date-time"),
    ]
    return {
        "openapi": "3.0.3",
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
                "responses": {"200": _ok({"type": "object"}, "Endpoints and formats."),
                              **_errors()},
            }},
            f"{base}/services.json": {"get": {
                "operationId": "services",
                "parameters": [_query("jurisdiction_id", "Accepted and ignored.")],
                "responses": {"200": _ok(_array(SERVICE), "Services."), **_errors()},
            }},
            f"{base}/services/{{service_code}}.json": {"get": {
                "operationId": "service_definition",
                "parameters": [{"name": "service_code", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[a-z0-9_]+$"}}],
                "responses": {
                    "200": _ok({"type": "object", "required": ["service_code", "attributes"],
                                "properties": {"service_code": {"type": "string"},
                                               "attributes": _array(ATTRIBUTE)}},
                               "The service's attributes."),
                    **_errors(404),
                },
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
                    "responses": {"200": _ok(_array(REQUEST), "Requests, newest first, each "
                                             "from the moment its POST is answered."),
                                  **_errors(400)},
                },
                "post": {
                    "operationId": "request_create",
                    "requestBody": form(REPORT_FIELDS),
                    "responses": {"200": _ok(_array(CREATED), "The new request's id."),
                                  **_errors(400, 403, 413)},
                },
            },
            f"{base}/requests/{{service_request_id}}.json": {"get": {
                "operationId": "request",
                "parameters": [{"name": "service_request_id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[A-Za-z0-9-]+$"}}],
                "responses": {"200": _ok(_array(REQUEST), "One request."), **_errors(404)},
            }},
            f"{base}/tokens/{{token}}.json": {"get": {
                "operationId": "token",
                "parameters": [{"name": "token", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[A-Za-z0-9-]+$"}}],
                "responses": {"200": _ok(_array({"type": "object"}), "The request of a token."),
                              **_errors(404)},
            }},
            f"{base}/servicerequestupdates.json": {
                "get": {
                    "operationId": "updates",
                    "parameters": [_query("api_key", "The client's key."), *window],
                    "responses": {"200": _ok(_array(UPDATE), "Updates, oldest first."),
                                  **_errors(400, 403)},
                },
                "post": {
                    "operationId": "update_create",
                    "requestBody": form(UPDATE_FIELDS),
                    "responses": {"200": _ok(_array({"type": "object"}), "The update's id."),
                                  **_errors(400, 403, 404, 409, 413)},
                },
            },
        },
    }  # fmt: skip
