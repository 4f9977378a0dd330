"""Run as its own process by test_capacity_race: hold the places of one case in one slot at a
given moment, and print what happened ("held" or "full")."""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from townhall.bookings.models import Slot  # noqa: E402
from townhall.bookings.services import SlotFull, booking_hold  # noqa: E402
from townhall.cases.models import Case  # noqa: E402

case_id, slot_id, units, at = (
    int(sys.argv[1]),
    int(sys.argv[2]),
    int(sys.argv[3]),
    float(sys.argv[4]),
)
case, slot = Case.objects.get(pk=case_id), Slot.objects.get(pk=slot_id)
time.sleep(max(at - time.time(), 0))  # both processes start their transaction together
try:
    booking_hold(case=case, slot=slot, units=units)
    sys.stdout.write("held\n")
except SlotFull:
    sys.stdout.write("full\n")
