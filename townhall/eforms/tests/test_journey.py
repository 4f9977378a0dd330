"""The form journey controller, driven through a door of made-up URLs: it decides every step
and builds every page's context without knowing which front end it serves."""

import pytest
from django.http import Http404, QueryDict

from townhall.cases.models import Case
from townhall.eforms.journey import (
    JourneyDoor,
    JourneyStep,
    journey_case,
    journey_check,
    journey_page,
    journey_session,
    journey_start,
)
from townhall.portal.tests.fixtures import make_resident, make_service

pytestmark = pytest.mark.django_db

TWO_PAGES = {
    "title": "Name a colour",
    "pages": [
        {
            "id": "name",
            "fields": [{"name": "name", "type": "text", "label": "Your name", "required": True}],
        },
        {
            "id": "colour",
            "fields": [
                {
                    "name": "colour",
                    "type": "radios",
                    "label": "Which colour?",
                    "required": True,
                    "options": [
                        {"value": "red", "label": "Red"},
                        {"value": "blue", "label": "Blue"},
                    ],
                }
            ],
        },
    ],
}

DOOR = JourneyDoor(
    page_url=lambda s, page_id: f"/door/{s.pk}/{page_id}/",
    check_url=lambda s: f"/door/{s.pk}/check/",
    done_url=lambda s: f"/door/{s.pk}/done/",
    start_url=lambda s: "/door/start/",
)
SAVING_DOOR = JourneyDoor(
    page_url=DOOR.page_url,
    check_url=DOOR.check_url,
    done_url=DOOR.done_url,
    start_url=DOOR.start_url,
    saved_url=lambda s: "/door/saved/",
)


def _post(**values: str) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update(values)
    return data


@pytest.fixture
def started():
    service = make_service(definition=TWO_PAGES, slug="name-a-colour", name="Name a colour")
    session, first_url = journey_start(service=service, door=DOOR, user=make_resident())
    return session, first_url


def _page(session, page_id, door=DOOR, method="POST", change=False, **values):
    return journey_page(
        session=session,
        page_id=page_id,
        door=door,
        method=method,
        data=_post(**values),
        change=change,
    )


def test_start_leads_to_the_first_page_through_the_door(started):
    session, first_url = started
    assert first_url == f"/door/{session.pk}/name/"
    assert journey_session(session.pk, "name-a-colour") == session
    assert journey_session(session.pk, "another-service") is None


def test_first_page_shows_its_question_and_links_back_to_the_doors_start(started):
    session, _ = started
    step = _page(session, "name", method="GET")
    assert not step.redirect
    assert [f["field"]["name"] for f in step.context["fields"]] == ["name"]
    assert step.context["back_url"] == "/door/start/"
    assert step.context["can_save"] is False
    assert step.context["errors"] == {}


def test_a_missing_answer_shows_the_page_again_with_its_error(started):
    session, _ = started
    step = _page(session, "name", name="")
    assert not step.redirect
    assert step.has_errors and "name" in step.context["errors"]
    assert step.context["form_has_errors"] is True


def test_answers_lead_page_by_page_to_check_answers_then_a_case(started):
    session, _ = started
    assert _page(session, "name", name="Ada").redirect == f"/door/{session.pk}/colour/"
    second = _page(session, "colour", method="GET")
    assert second.context["back_url"] == f"/door/{session.pk}/name/"
    assert _page(session, "colour", colour="blue").redirect == f"/door/{session.pk}/check/"

    check = journey_check(session=session, door=DOOR, method="GET")
    assert [(r["label"], r["value"]) for r in check.context["rows"]] == [
        ("Your name", "Ada"),
        ("Which colour?", "Blue"),
    ]
    assert check.context["back_url"] == f"/door/{session.pk}/colour/"
    assert journey_check(session=session, door=DOOR, method="POST").redirect == (
        f"/door/{session.pk}/done/"
    )
    session = journey_session(session.pk, "name-a-colour")
    case = journey_case(session=session, door=DOOR)
    assert isinstance(case, Case)
    # Sent twice (a reload): the same case, and its pages now lead to the done page.
    assert journey_case(session=session, door=DOOR) == case
    assert _page(session, "name", method="GET").redirect == f"/door/{session.pk}/done/"


def test_pages_off_the_route_send_people_to_the_next_unanswered_one(started):
    session, _ = started
    assert _page(session, "colour", method="GET").redirect == f"/door/{session.pk}/name/"
    with pytest.raises(Http404):
        _page(session, "no-such-page", method="GET")


def test_check_answers_of_an_unfinished_form_goes_back_to_its_next_page(started):
    session, _ = started
    _page(session, "name", name="Ada")
    step = journey_check(session=session, door=DOOR, method="GET")
    assert step.redirect == f"/door/{session.pk}/colour/"
    refused = journey_check(session=session, door=DOOR, method="POST")
    assert refused.redirect == f"/door/{session.pk}/colour/"
    unsent = journey_case(session=session, door=DOOR)
    assert isinstance(unsent, JourneyStep) and unsent.redirect == f"/door/{session.pk}/check/"


def test_a_change_from_check_answers_returns_there_once_the_form_is_complete(started):
    session, _ = started
    _page(session, "name", name="Ada")
    _page(session, "colour", colour="red")
    step = _page(session, "name", change=True, name="Grace")
    assert step.redirect == f"/door/{session.pk}/check/"
    session.refresh_from_db()
    assert session.answers["name"] == "Grace"


def test_only_a_door_that_saves_lets_a_resident_save_for_later(started):
    session, _ = started
    assert _page(session, "name", method="GET", door=SAVING_DOOR).context["can_save"] is True
    saved = _page(session, "name", door=SAVING_DOOR, action="save", name="Ada")
    assert (saved.redirect, saved.saved) == ("/door/saved/", True)
    session.refresh_from_db()
    assert session.saved_for_later is True

    session.saved_for_later = False
    session.save(update_fields=["saved_for_later"])
    not_saved = _page(session, "name", action="save", name="Ada")
    assert (not_saved.redirect, not_saved.saved) == (f"/door/{session.pk}/colour/", False)
    session.refresh_from_db()
    assert session.saved_for_later is False


def test_find_shows_the_page_again_even_when_the_answers_are_good(started):
    session, _ = started
    step = _page(session, "name", action="find", name="Ada")
    assert not step.redirect
    assert step.context["errors"] == {}
    assert step.context["fields"][0]["raw"] == {"value": "Ada"}


def test_check_answers_carries_the_designers_own_wording():
    worded = {**TWO_PAGES, "check_answers": {"heading": "Check your colour", "intro": ["Nearly"]}}
    service = make_service(definition=worded, slug="worded", name="Worded")
    session, _ = journey_start(service=service, door=DOOR, user=make_resident())
    _page(session, "name", name="Ada")
    _page(session, "colour", colour="red")
    check = journey_check(session=session, door=DOOR, method="GET")
    assert check.context["wording"] == {"heading": "Check your colour", "intro": ["Nearly"]}
