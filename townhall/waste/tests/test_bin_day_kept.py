"""The bin-day page and the open API's answers are kept whole for anonymous visitors (issue 19's
speed: core/pagecache.py), per day, and a change to a round shows at once."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from townhall.waste.models import RoundChange
from townhall.waste.services import round_change_record
from townhall.waste.tests.factories import address_make, round_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home_and_round():
    home = address_make(postcode="TN23 9ZY")
    food = round_make(stream="food", weekday=1, frequency="weekly", addresses=(home,))
    return home, food


def _next_tuesday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=(1 - today.weekday()) % 7 or 7)


@pytest.mark.parametrize("url", ["/bin-day/{uprn}/", "/api/v1/waste/collections/{uprn}"])
def test_a_bin_day_answer_is_kept_and_a_moved_collection_shows_at_once(
    client, home_and_round, url, django_assert_num_queries, django_capture_on_commit_callbacks
):
    home, food = home_and_round
    url = url.format(uprn=home.uprn)
    first = client.get(url)
    assert first.status_code == 200 and not first.cookies
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content
    tuesday = _next_tuesday()
    with django_capture_on_commit_callbacks(execute=True):
        round_change_record(
            round_=food,
            day=tuesday,
            kind=RoundChange.Kind.MOVED,
            new_date=tuesday + timedelta(days=1),
            reason="The crew is needed elsewhere.",
        )
    moved = client.get(url).content.decode()
    assert moved != first.content.decode()
    wednesday = tuesday + timedelta(days=1)
    assert str(wednesday.day) in moved and ("Wednesday" in moved or wednesday.isoformat() in moved)


def test_a_kept_answer_is_for_one_day_only(client, home_and_round, monkeypatch):
    home, _ = home_and_round
    url = f"/bin-day/{home.uprn}/"
    client.get(url)
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr("townhall.core.pagecache.timezone.localdate", lambda: tomorrow)
    calls = []
    monkeypatch.setattr(
        "townhall.portal.bin_day_views.bin_day", lambda address: calls.append(address) or None
    )
    client.get(url)
    assert calls, "the next day's page was rendered anew, not served from yesterday's"


@override_settings(WASTE_API_RATE_PER_MINUTE=2)
def test_the_open_api_limit_holds_for_kept_answers(client, home_and_round):
    home, _ = home_and_round
    url = f"/api/v1/waste/collections/{home.uprn}"
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
