"""The demo council with its process library live, as fixtures for the tests of the apps that
run cases through processes (workflow, payments, contractors, permits). A pytest plugin (see
the root conftest.py): a test module may still define its own `catalogue`."""

import pytest

from townhall.catalogue.models import Service
from townhall.workflow.tests.helpers import demo_catalogue_with_processes


@pytest.fixture
def catalogue(db) -> dict[str, Service]:
    """The demo council's departments, teams, services and (demo) contractors, with the
    process library live."""
    return demo_catalogue_with_processes()


@pytest.fixture
def catalogue_committed(transactional_db) -> dict[str, Service]:
    """The same, committed, for tests that run on several connections."""
    return demo_catalogue_with_processes()
