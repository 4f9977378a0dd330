"""Booking areas in the desk: officers of a department running slots add and rename areas
and choose their wards; a ward is in one area at most; bad input says what to fix and
changes nothing; a repeat changes nothing; others cannot reach the pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from townhall.accounts.models import Department, User
from townhall.bookings.models import BookingArea
from townhall.bookings.services import booking_area_save
from townhall.bookings.tests.factories import area, bookable_service, slot
from townhall.core.audit import AuditEvent
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.desk.tests.factories import user_make
from townhall.places.models import Ward

pytestmark = pytest.mark.django_db


def _wards(*codes: str) -> list[Ward]:
    return [Ward.objects.get_or_create(code=c, defaults={"name": f"Ward {c}"})[0] for c in codes]


@pytest.fixture
def officer(client):
    service = bookable_service()
    slot(service)  # the department runs a slot service
    user = user_make(departments=[service.department])
    client.force_login(user)
    return user


def test_an_area_is_made_then_renamed_with_other_wards_audited():
    _wards("W1", "W2", "W3")
    made = booking_area_save(slug="east", name="East", ward_codes=["W1", "W2"], new=True)
    assert sorted(made.wards.values_list("code", flat=True)) == ["W1", "W2"]
    booking_area_save(slug="east", name="East  side", ward_codes=["W3"])
    made.refresh_from_db()
    assert made.name == "East side"
    assert list(made.wards.values_list("code", flat=True)) == ["W3"]
    events = AuditEvent.objects.filter(object_type="booking_area", object_id="east")
    assert [e.action for e in events.order_by("pk")] == ["create", "change"]
    assert events.order_by("pk").last().detail["before"] == {"name": "East", "wards": ["W1", "W2"]}


def test_saving_an_area_unchanged_writes_nothing():
    _wards("W1")
    booking_area_save(slug="east", name="East", ward_codes=["W1"], new=True)
    booking_area_save(slug="east", name="East", ward_codes=["W1"], new=True)  # a double click
    assert BookingArea.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="booking_area").count() == 1


@pytest.mark.parametrize(
    ("name", "codes", "key", "message"),
    [
        ("", ["W1"], "name", "Enter the name of the area"),
        ("x" * 101, ["W1"], "name", "The name must be 100 characters or fewer"),
        ("West", [], "wards", "Select at least one ward"),
        ("West", ["W1", "NOPE"], "wards", "Select wards from the list"),
        ("north", ["W1"], "name", "There is already an area called north"),
        ("West", ["W-north"], "wards", "Ward North is already in North"),
    ],
)
def test_a_refused_area_says_why_and_writes_nothing(name, codes, key, message):
    _wards("W1")
    area("north")
    Ward.objects.filter(code="W-north").update(name="Ward North")
    with pytest.raises(ValidationError) as refused:
        booking_area_save(slug="west", name=name, ward_codes=codes, new=True)
    assert message in refused.value.message_dict[key][0]
    assert list(BookingArea.objects.values_list("slug", flat=True)) == ["north"]
    assert not AuditEvent.objects.filter(object_type="booking_area").exists()


def test_a_new_area_may_not_take_over_another_of_the_same_slug():
    _wards("W1", "W2")
    booking_area_save(slug="east", name="East", ward_codes=["W1"], new=True)
    with pytest.raises(ValidationError) as refused:
        booking_area_save(slug="east", name="East", ward_codes=["W2"], new=True)
    assert refused.value.message_dict["name"] == ["There is already an area called East"]


def test_an_officer_adds_an_area_once_and_changes_its_wards(client, officer):
    _wards("W1", "W2")
    r = client.post(reverse("desk:slots_area_new"), {"name": "East", "wards": ["W1"]})
    assert r.status_code == 302
    client.post(reverse("desk:slots_area_new"), {"name": "East", "wards": ["W1"]})  # again
    assert BookingArea.objects.filter(name="East").count() == 1
    east = BookingArea.objects.get(name="East")
    assert AuditEvent.objects.get(object_type="booking_area", actor=officer).detail["wards"] == [
        "W1"
    ]
    page = client.get(reverse("desk:slots_area_edit", args=[east.slug])).content.decode()
    assert 'value="W1" checked' in page and 'value="East"' in page
    client.post(
        reverse("desk:slots_area_edit", args=[east.slug]), {"name": "East", "wards": ["W1", "W2"]}
    )
    listing = client.get(reverse("desk:slots_areas")).content.decode()
    assert "Ward W1, Ward W2" in listing


def test_bad_area_input_is_shown_and_changes_nothing(client, officer):
    north = area("north")
    r = client.post(reverse("desk:slots_area_new"), {"name": "", "wards": ["W-north", "NOPE"]})
    page = r.content.decode()
    assert r.status_code == 400
    assert "Enter the name of the area" in page and "Select wards from the list" in page
    r = client.post(reverse("desk:slots_area_new"), {"name": "South", "wards": ["W-north"]})
    assert "North is already in North" in r.content.decode()
    r = client.post(reverse("desk:slots_area_edit", args=[north.slug]), {"name": "North"})
    assert "Select at least one ward" in r.content.decode()
    assert list(BookingArea.objects.values_list("slug", flat=True)) == ["north"]
    assert list(north.wards.values_list("code", flat=True)) == ["W-north"]


def test_only_staff_running_slot_services_reach_the_area_pages(client):
    housing = Department.objects.create(slug="housing", name="Housing")
    client.force_login(user_make(departments=[housing]))
    assert client.get(reverse("desk:slots_areas")).status_code == 403
    assert client.post(reverse("desk:slots_area_new"), {"name": "X"}).status_code == 403
    client.force_login(User.objects.create_user("r@example.com", "Resident-pass-1"))
    assert client.get(reverse("desk:slots_areas")).status_code in (302, 403, 404)
    client.force_login(user_make(role=User.Role.ADMIN))
    assert client.get(reverse("desk:slots_areas")).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_area_pages_pass_axe(live_server, browser):
    area("north")
    admin = user_make(role=User.Role.ADMIN)
    admin.set_password("Admin-pass-12345")
    admin.save()
    desk = new_page(browser, viewport=DESKTOP)
    page = desk.page
    page.goto(live_server.url + reverse("desk:slots_areas"))
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password", exact=True).fill("Admin-pass-12345")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/slots/areas/")
    desk.check("areas")
    page.get_by_role("link", name="Add an area").click()
    desk.check("add an area")
    page.get_by_role("button", name="Save the area").click()
    desk.check("add an area: error")
    assert page.locator(".govuk-error-summary").is_visible()
