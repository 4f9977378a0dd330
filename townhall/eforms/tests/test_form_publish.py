"""Publishing a form definition: checked first, a new version only when it changed."""

import pytest
from django.core.exceptions import ValidationError

from townhall.core.models import AuditEvent
from townhall.eforms.models import Form, FormVersion
from townhall.eforms.services import form_version_publish

pytestmark = pytest.mark.django_db

DEFINITION = {
    "title": "Report a blocked drain",
    "pages": [
        {"id": "where", "fields": [{"name": "where", "type": "location", "label": "Where?"}]}
    ],
}


def test_a_definition_is_published_once_and_an_identical_one_publishes_nothing():
    first = form_version_publish(slug="blocked-drain", name="Blocked drain", definition=DEFINITION)
    again = form_version_publish(
        slug="blocked-drain", name="Blocked drain", definition=dict(reversed(DEFINITION.items()))
    )
    assert again.pk == first.pk
    assert (first.number, first.status) == (1, FormVersion.Status.PUBLISHED)
    assert AuditEvent.objects.filter(object_type="form_version").count() == 1


def test_a_changed_definition_is_a_new_version_and_the_old_one_is_retired():
    first = form_version_publish(slug="blocked-drain", name="Blocked drain", definition=DEFINITION)
    second = form_version_publish(
        slug="blocked-drain", name="Blocked drain", definition={**DEFINITION, "title": "Drains"}
    )
    first.refresh_from_db()
    assert (second.number, first.status) == (2, FormVersion.Status.RETIRED)
    assert Form.objects.get(slug="blocked-drain").live_version() == second


def test_a_definition_failing_its_checks_is_refused_with_every_reason_and_nothing_written():
    broken = {
        "title": "Broken",
        "pages": [
            {"id": "a", "fields": [{"name": "x", "type": "text", "label": "X"}]},
            {"id": "a", "fields": [{"name": "x", "type": "text", "label": "X again"}]},
        ],
    }
    with pytest.raises(ValidationError) as caught:
        form_version_publish(slug="broken", name="Broken", definition=broken)
    assert caught.value.messages == [
        "An earlier page already has the id 'a': each page needs its own id.",
        "Two questions have the id 'x': each question needs its own id.",
    ]
    assert not Form.objects.exists()
