"""Posts at the same moment: identical ones make one case, different ones all go ahead."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from townhall.cases.models import Case
from townhall.open311.tests.factories import BASE, good_report, make_open311_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
]


def _post(data: dict) -> str:
    response = Client().post(BASE + "requests.json", data)
    connection.close()
    assert response.status_code == 200, response.content
    return response.json()[0]["service_request_id"]


def test_identical_posts_at_once_make_one_case_and_different_ones_make_theirs(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_open311_world()
    same = [good_report(**{"attribute[fixmystreet_id]": "FMS-1"}) for _ in range(4)]
    twins = [good_report() for _ in range(4)]
    different = []
    for n in range(4):
        report = good_report()
        report["description"] = f"Another pile, number {n}"
        different.append(report)
    with ThreadPoolExecutor(6) as pool:
        ids = list(pool.map(_post, same + twins + different))
    # The same report, with or without the client's own id, within minutes: one case.
    assert len(set(ids[:8])) == 1
    assert len(set(ids[8:])) == 4 and ids[0] not in ids[8:]
    assert Case.objects.count() == 5
