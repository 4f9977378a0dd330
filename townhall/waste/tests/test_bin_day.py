"""Bin day on the portal, its ICS feed and the open API."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from townhall.accounts.models import User
from townhall.waste.models import RoundChange
from townhall.waste.services import round_change_record
from townhall.waste.tests.factories import address_make, round_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home():
    home = address_make(postcode="TN23 9ZY")
    round_make(stream="refuse", weekday=1, week="A", addresses=(home,))
    round_make(stream="recycling", weekday=1, week="B", addresses=(home,))
    round_make(stream="food", weekday=1, frequency="weekly", addresses=(home,))
    return home


def _events(content: bytes):
    return list(Calendar.from_ical(content).walk("VEVENT"))


def test_postcode_errors_are_clear_and_specific(client, home):
    empty = client.get("/bin-day/", {"postcode": ""})
    assert empty.status_code == 400 and "Enter a postcode" in empty.content.decode()
    wrong = client.get("/bin-day/", {"postcode": "not a postcode"})
    assert "Enter a full UK postcode, like TN23 1AA" in wrong.content.decode()
    none = client.get("/bin-day/", {"postcode": "tn239zx"}).content.decode()
    assert "We could not find any addresses for TN23 9ZX" in none
    assert "govuk-error-summary" in none


def test_a_resident_finds_the_next_collections_with_dates_in_words(client, home):
    page = client.get("/bin-day/", {"postcode": "tn23 9zy"}).content.decode()
    assert home.single_line in page
    unchosen = client.get("/bin-day/", {"postcode": "TN23 9ZY", "uprn": ""})
    assert "Select your address" in unchosen.content.decode()
    chosen = client.get("/bin-day/", {"postcode": "TN23 9ZY", "uprn": home.uprn})
    assert chosen.url == f"/bin-day/{home.uprn}/"
    shown = client.get(chosen.url).content.decode()
    today = timezone.localdate()
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7)
    assert f"{tuesday:%A} {tuesday.day} {tuesday:%B}" in shown
    assert "Add your bin collection days to your calendar" in shown


def test_the_ics_feed_covers_eight_weeks_and_a_moved_collection_keeps_its_uid(
    client, home, django_capture_on_commit_callbacks
):
    feed = client.get(f"/bin-day/{home.uprn}.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    events = _events(feed.content)
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts[-1] - starts[0] >= timedelta(weeks=8)
    food = [e for e in events if "Food" in str(e["summary"])]
    assert len(food) >= 8
    uids = {str(e["uid"]) for e in events}
    assert len(uids) == len(events)
    target = min(e.decoded("dtstart") for e in food if e.decoded("dtstart") > timezone.localdate())
    food_round = home.waste_stops.get(stream="food").round
    with django_capture_on_commit_callbacks(execute=True):  # the cache's generation moves on
        round_change_record(
            round_=food_round,
            day=target,
            kind=RoundChange.Kind.MOVED,
            new_date=target + timedelta(days=1),
            reason="The crew is needed elsewhere.",
        )
    after = _events(client.get(f"/bin-day/{home.uprn}.ics").content)
    assert {str(e["uid"]) for e in after} == uids  # updated, not duplicated
    moved = next(e for e in after if e.decoded("dtstart") == target + timedelta(days=1))
    assert int(moved["sequence"]) >= 1 and "last-modified" in moved
    assert "The crew is needed elsewhere." in str(moved["description"])


def test_the_open_api_lists_addresses_and_collections_without_a_key(client, home):
    found = client.get("/api/v1/waste/addresses", {"postcode": "tn239zy"}).json()
    assert found["addresses"][0]["uprn"] == home.uprn
    assert client.get("/api/v1/waste/addresses", {"postcode": "nope"}).status_code == 422
    assert client.get("/api/v1/waste/addresses", {"postcode": "QQ1 1AA"}).json()["addresses"] == []
    data = client.get(found["addresses"][0]["collections_url"]).json()
    assert {c["stream"] for c in data["collections"]} == {"refuse", "recycling", "food"}
    assert client.get("/api/v1/waste/collections/999999999999").status_code == 404
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/waste/collections/{uprn}" in schema["paths"]


@override_settings(WASTE_API_RATE_PER_MINUTE=3)
def test_the_open_api_is_rate_limited_per_address_with_retry_after(client, home):
    url = f"/api/v1/waste/collections/{home.uprn}"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60


def test_the_bin_day_page_is_cheap_once_cached(client, home, django_assert_max_num_queries):
    url = f"/bin-day/{home.uprn}/"
    client.get(url)
    with django_assert_max_num_queries(2):  # the address; the collections come from the cache
        client.get(url)


def test_a_resident_sees_their_next_bin_days_on_home_and_my_account(client, home):
    user = User.objects.create_user("res@example.com", "Not-a-real-pass-1", uprn=home.uprn)
    client.force_login(user)
    assert "Your next bin days" in client.get("/").content.decode()
    assert "Your next bin days" in client.get("/my-account/").content.decode()


def test_the_open_api_is_cheap_once_cached(client, home, django_assert_max_num_queries):
    url = f"/api/v1/waste/collections/{home.uprn}"
    client.get(url)
    with django_assert_max_num_queries(1):  # the address; the collections come from the cache
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(1):
        client.get("/api/v1/waste/addresses", {"postcode": "TN23 9ZY"})
