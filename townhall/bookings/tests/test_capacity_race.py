"""Two processes booking the last places of a slot at the same moment: exactly one gets them.
Real separate processes on PostgreSQL, each with its own connection, as two web servers."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from townhall.bookings.models import Booking
from townhall.bookings.tests.factories import bookable_service, case_for, slot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real writers"),
]
HOLD_ONE = Path(__file__).with_name("hold_one.py")


def test_two_processes_racing_for_the_last_places_make_exactly_one_booking():
    service = bookable_service()
    last = slot(service, capacity=5, booked=3)  # room for 2 more
    cases = [case_for(service), case_for(service)]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    at = time.time() + 3  # both are started and connected by then
    racers = [
        subprocess.Popen(  # noqa: S603 (our own script)
            [sys.executable, str(HOLD_ONE), str(c.pk), str(last.pk), "2", str(at)],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for c in cases
    ]
    outcomes = []
    for racer in racers:
        out, err = racer.communicate(timeout=60)
        assert racer.returncode == 0, err.decode()
        outcomes.append(out.decode().strip())
    assert sorted(outcomes) == ["full", "held"]
    last.refresh_from_db()
    assert last.booked == 5
    assert Booking.objects.filter(slot=last).count() == 1
