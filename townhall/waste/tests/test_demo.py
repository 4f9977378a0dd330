"""The demo council's rounds: every demo address has its bins, TN23 1AA finds them."""

import pytest
from django.core.cache import cache

from townhall.demo.contractors import demo_contractors_load
from townhall.demo.gazetteer import gazetteer_generate
from townhall.demo.waste import demo_waste_load
from townhall.places.models import Address
from townhall.places.services import gazetteer_load
from townhall.waste.models import RoundAddress

pytestmark = pytest.mark.django_db


def test_every_demo_address_has_rounds_and_loading_again_changes_nothing(client):
    cache.clear()
    gazetteer_load(gazetteer=gazetteer_generate())
    demo_contractors_load()
    assert demo_waste_load() == Address.objects.count() * 4
    assert demo_waste_load() == 0
    assert RoundAddress.objects.filter(stream="refuse").count() == Address.objects.count()
    found = client.get("/bin-day/", {"postcode": "TN23 1AA"}).content.decode()
    home = Address.objects.filter(postcode="TN23 1AA").order_by("sort_key").first()
    assert home.uprn in found
    page = client.get(f"/bin-day/{home.uprn}/").content.decode()
    assert "Refuse" in page and "Recycling" in page and "Food waste" in page
    assert "Garden waste" not in page  # no garden waste permit
