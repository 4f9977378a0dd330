"""Crew results posted through the signed contractor API show on the resident's bin day."""

import base64
import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from PIL import Image

from townhall.accounts.models import Department
from townhall.contractors.checks import DEMO_SECRET
from townhall.demo.contractors import demo_contractors_load
from townhall.desk.tests.factories import user_make
from townhall.integrations.models import InboundRefusal
from townhall.integrations.signing import signature_make
from townhall.waste.models import CrewResult
from townhall.waste.tests.factories import address_make, round_make

pytestmark = pytest.mark.django_db
URL = "/api/contractor/v1/waste/results"


def _post(client, data, *, partner="waste_contractor", secret=DEMO_SECRET):
    body = json.dumps(data).encode()
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        HTTP_X_TOWNHALL_PARTNER=partner,
        HTTP_X_TOWNHALL_SIGNATURE=signature_make(secret, body),
    )


def _photo() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (40, 160, 60)).save(out, "JPEG")
    return base64.b64encode(out.getvalue()).decode()


@pytest.fixture
def home():
    cache.clear()
    demo_contractors_load()
    home = address_make()
    round_make(stream="refuse", weekday=1, frequency="weekly", addresses=(home,))
    return home


def test_a_crew_result_is_recorded_once_and_shown_to_the_resident(
    client, home, django_capture_on_commit_callbacks
):
    client.get(f"/bin-day/{home.uprn}/")  # cached before the result arrives
    when = datetime.now(UTC) - timedelta(hours=2)
    result = {
        "result_id": "r-1",
        "uprn": home.uprn,
        "stream": "refuse",
        "outcome": "not_put_out",
        "occurred_at": when.isoformat(),
        "note": "No bin at the kerb at 07:40.",
        "photo": {"content_base64": _photo()},
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(client, result)
    assert first.status_code == 201 and first.json()["round"].startswith("refuse-")
    again = _post(client, result)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    saved = CrewResult.objects.get()
    assert saved.photo.name and saved.round is not None
    page = client.get(f"/bin-day/{home.uprn}/").content.decode()
    local = when.astimezone(ZoneInfo("Europe/London"))
    assert f"Your refuse bin was not put out on {local:%A} {local.day} {local:%B}" in page
    assert "crew note: No bin at the kerb at 07:40." in page
    waste = Department.objects.create(slug="waste-and-street-scene", name="Waste")
    client.force_login(user_make(departments=[waste]))
    desk = client.get(f"/staff/waste/addresses/{home.uprn}/").content.decode()
    assert "Not put out (photo taken)" in desk and "No bin at the kerb at 07:40." in desk


def test_bad_crew_results_are_refused_logged_and_change_nothing(client, home):
    base = {"result_id": "r-2", "uprn": home.uprn, "stream": "refuse", "outcome": "collected"}
    bad = _post(client, {**base, "occurred_at": "yesterday"})
    assert bad.status_code == 400 and "occurred_at" in bad.json()["error"]
    unknown = _post(client, {**base, "uprn": "1", "occurred_at": datetime.now(UTC).isoformat()})
    assert "uprn" in unknown.json()["error"]
    forged = _post(client, base, secret="wrong")
    assert forged.status_code == 401
    assert CrewResult.objects.count() == 0
    assert InboundRefusal.objects.count() == 3
