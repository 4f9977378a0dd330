from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from townhall.accounts.models import Department, User
from townhall.core.tests.fixtures import fast_and_in_memory  # noqa: F401 (autouse here)
from townhall.demo.contractors import demo_contractors_load
from townhall.demo.council import demo_form_definition
from townhall.desk.tests.factories import department_make, service_make, user_make
from townhall.places.models import Address
from townhall.portal.tests.fixtures import make_service, make_street
from townhall.waste.models import Round, RoundAddress


def _demo_definition(slug: str) -> dict:
    return demo_form_definition(slug)


def _collected_yesterday(addresses) -> None:
    """Every bin at these addresses was collected yesterday by a crew done by dawn, so a
    missed bin reported today is in the window (the form checks the round), and the waste
    contractor the report goes to is set up."""
    demo_contractors_load()
    cache.clear()
    yesterday = (timezone.localdate() - timedelta(days=1)).weekday()
    for stream in ("refuse", "recycling", "food"):
        round_ = Round.objects.create(
            code=f"{stream}-yesterday",
            stream=stream,
            weekday=yesterday,
            frequency=Round.Frequency.WEEKLY,
            crew="Crew 1",
            crew_finish_time=time(0, 0),
        )
        RoundAddress.objects.bulk_create(
            [RoundAddress(round=round_, address=a, stream=stream) for a in addresses]
        )


@pytest.fixture
def missed_bin(db):
    """The demo council's real missed-bin form, in Waste and street scene."""
    make_street(name="Bank Street", usrn="70001001", postcode="TN23 1AA", houses=5)
    _collected_yesterday(Address.objects.filter(street__usrn="70001001"))
    return make_service(
        _demo_definition("report-a-missed-bin-collection"),
        slug="report-a-missed-bin-collection",
        name="Report a missed bin collection",
        prefix="MB",
    )


@pytest.fixture
def waste_department(missed_bin) -> Department:
    return missed_bin.department


@pytest.fixture
def housing(db):
    return service_make(department=department_make("Housing"), name="Damp and mould")


@pytest.fixture
def agent(db) -> User:
    return user_make(
        role=User.Role.AGENT,
        departments=[department_make("Customer services")],
        full_name="Ada Agent",
    )


@pytest.fixture
def waste_officer(waste_department) -> User:
    return user_make(role=User.Role.OFFICER, departments=[waste_department], full_name="Walt Waste")


@pytest.fixture
def housing_officer(housing) -> User:
    return user_make(
        role=User.Role.OFFICER, departments=[housing.department], full_name="Hana Housing"
    )


@pytest.fixture
def caller(db) -> User:
    return User.objects.create_user(
        "jane.smith@example.com",
        "Correct-horse-7",
        full_name="Jane Smith",
        phone="01233 330 111",
        address_line="3 Bank Street, Kingsmead",
        postcode="TN23 1AA",
        uprn="901001000003",
    )


@pytest.fixture
def other_resident(db) -> User:
    return User.objects.create_user(
        "rob.jones@example.com",
        "Correct-horse-7",
        full_name="Rob Jones",
        phone="07700 900123",
        postcode="TN24 8ZZ",
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
