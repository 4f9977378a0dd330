"""schemathesis drives the Open311 routes from /open311/v2/openapi.json through the WSGI
application: no server error, no undocumented status, every body as documented."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from townhall.open311.tests.factories import KEY, make_open311_world

schema = schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.OPEN311_RATE_PER_IP = 10**9
    settings.OPEN311_RATE_PER_KEY = 10**9
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    return make_open311_world()


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every CI run; explore more by hand
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_open311_never_answers_with_a_server_error(case, world):
    # Half the posts carry the real key, so the checks behind it are reached too.
    if isinstance(case.body, dict) and case.body.get("api_key", "x")[:1] in "abcdefgh":
        case.body["api_key"] = KEY
    # Two checks are left out: unknown parameters are ignored, as most HTTP APIs do; and a
    # report valid by the schema's types may still be refused for what no schema can say
    # (a location outside the borough, a service code that does not exist), with a 400.
    case.call_and_validate(excluded_checks=[negative_data_rejection, positive_data_acceptance])
