"""The form builder's pages: designers build a service's draft form page by page (plain
forms, no JavaScript needed), others get 403; a colleague's save is never overwritten and
the designer keeps what they typed; the preview steps through the draft as residents would."""

import pytest
from django.test import Client

from townhall.accounts.models import User
from townhall.builder.drafts import service_draft
from townhall.builder.form_drafts import draft_definition
from townhall.core.models import AuditEvent
from townhall.desk.form_builder_context import question_initial
from townhall.desk.tests.factories import service_make, user_make

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def service():
    return service_make(name="Report an overgrown hedge")


@pytest.fixture
def designer() -> User:
    return user_make(role=User.Role.DESIGNER, full_name="Dee Signer")


@pytest.fixture
def client(designer) -> Client:
    return _client(designer)


def _url(service, rest: str = "") -> str:
    return f"/staff/services/{service.slug}/form/{rest}"


def _revision(service) -> int:
    return service_draft(service).revision


def _question(**extra) -> dict:
    return {"label": "Is it blocking a path?", "answer_type": "yesno", "required": "on", **extra}


def _built(client, service) -> str:
    """One page with a yes/no question; returns the page's id."""
    client.post(_url(service, "pages/new/"), {"title": "", "revision": _revision(service)})
    page_id = draft_definition(service_draft(service))["pages"][-1]["id"]
    client.post(
        _url(service, f"pages/{page_id}/questions/new/"),
        _question(revision=_revision(service)),
    )
    return page_id


def test_only_designers_and_administrators_reach_the_form_builder(service):
    urls = ["", "pages/new/", "wording/", "preview/", "preview/frame/"]
    for role in (User.Role.OFFICER, User.Role.AGENT, User.Role.MANAGER):
        client = _client(user_make(role=role))
        for url in urls:
            assert client.get(_url(service, url)).status_code == 403, (role, url)
        assert client.post(_url(service, "pages/new/"), {"title": "x"}).status_code == 403
        assert client.post(_url(service, "move/"), {"kind": "page"}).status_code == 403
    admin = _client(user_make(role=User.Role.ADMIN))
    for url in urls:
        assert admin.get(_url(service, url)).status_code == 200, url


def test_a_designer_adds_a_page_and_its_question(client, service):
    page = client.get(_url(service))
    assert "Add a page" in page.content.decode()
    response = client.post(
        _url(service, "pages/new/"),
        {"title": "The hedge", "title_cy": "Y gwrych", "revision": _revision(service)},
    )
    assert response.status_code == 302
    assert response["Location"] == _url(service, "pages/the-hedge/")
    html = client.get(response["Location"]).content.decode()
    assert "Add a question" in html
    form = client.get(_url(service, "pages/the-hedge/questions/new/")).content.decode()
    for label in ("Question", "Answer type", "Text", "Yes or no", "Photo", "Location", "Required"):
        assert f">{label}<" in form, label
    response = client.post(
        _url(service, "pages/the-hedge/questions/new/"),
        _question(label_cy="Ydy e'n rhwystro llwybr?", revision=_revision(service)),
    )
    assert response.status_code == 302
    definition = draft_definition(service_draft(service))
    assert definition["pages"] == [
        {
            "id": "the-hedge",
            "title": "The hedge",
            "title_cy": "Y gwrych",
            "fields": [
                {
                    "name": "is_it_blocking_a_path",
                    "type": "yesno",
                    "label": "Is it blocking a path?",
                    "label_cy": "Ydy e'n rhwystro llwybr?",
                    "required": True,
                }
            ],
        }
    ]
    changes = AuditEvent.objects.filter(object_type="service draft").values_list(
        "detail__change", flat=True
    )
    assert "added a question to page the-hedge" in list(changes)


def test_a_refused_question_shows_every_reason_and_keeps_what_was_typed(client, service):
    page_id = _built(client, service)
    response = client.post(
        _url(service, f"pages/{page_id}/questions/new/"),
        {
            "label": "",
            "answer_type": "text",
            "pattern": "([A-Z",
            "min_length": "9",
            "max_length": "3",
            "hint": "Like GW123",
            "revision": _revision(service),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Add a question" in html
    for message in (
        "Enter the question",
        "The pattern is not a valid regular expression",
        "Enter the error message for answers not matching",
        "The shortest answer must not be longer than the longest",
    ):
        assert message in html, message
    assert 'href="#label"' in html
    assert 'value="Like GW123"' in html


def test_a_colleagues_save_is_not_overwritten_and_the_typed_text_is_kept(client, service):
    page_id = _built(client, service)
    seen = _revision(service)
    colleague = _client(user_make(role=User.Role.DESIGNER, full_name="Colin League"))
    colleague.post(_url(service, "wording/"), {"title": "Hedges", "revision": seen})
    response = client.post(
        _url(service, f"pages/{page_id}/questions/new/"),
        _question(label="How tall is the hedge?", answer_type="number", min="1", revision=seen),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Colin League saved this draft" in html
    assert "Nothing you typed is lost" in html
    assert 'value="How tall is the hedge?"' in html
    assert f'name="revision" value="{seen + 1}"' in html
    definition = draft_definition(service_draft(service))
    assert definition["title"] == "Hedges"
    assert len(definition["pages"][0]["fields"]) == 1
    # Saving again adds it on top of the colleague's change.
    client.post(
        _url(service, f"pages/{page_id}/questions/new/"),
        _question(label="How tall is the hedge?", answer_type="number", revision=seen + 1),
    )
    definition = draft_definition(service_draft(service))
    assert definition["title"] == "Hedges"
    assert [f["name"] for f in definition["pages"][0]["fields"]] == [
        "is_it_blocking_a_path",
        "how_tall_is_the_hedge",
    ]


def test_pages_move_and_are_removed_with_plain_buttons_or_htmx(client, service):
    first = _built(client, service)
    client.post(_url(service, "pages/new/"), {"title": "Where", "revision": _revision(service)})
    response = client.post(
        _url(service, "move/"),
        {"kind": "page", "id": "where", "direction": "up", "revision": _revision(service)},
    )
    assert response.status_code == 302
    assert [p["id"] for p in draft_definition(service_draft(service))["pages"]] == [
        "where",
        first,
    ]
    response = client.post(
        _url(service, "move/"),
        {"kind": "page", "id": "where", "position": "5", "revision": _revision(service)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="form-pages"' in response.content.decode()
    assert [p["id"] for p in draft_definition(service_draft(service))["pages"]] == [
        first,
        "where",
    ]
    client.post(
        _url(service, "remove/"), {"kind": "page", "id": "where", "revision": _revision(service)}
    )
    assert [p["id"] for p in draft_definition(service_draft(service))["pages"]] == [first]
    stale = client.post(
        _url(service, "remove/"), {"kind": "page", "id": first, "revision": 1}, follow=True
    )
    assert "while you were editing it" in stale.content.decode()
    assert [p["id"] for p in draft_definition(service_draft(service))["pages"]] == [first]


def test_branches_are_set_on_a_page(client, service):
    first = _built(client, service)
    client.post(_url(service, "pages/new/"), {"title": "Where", "revision": _revision(service)})
    client.post(_url(service, "pages/new/"), {"title": "Photo", "revision": _revision(service)})
    page = client.get(_url(service, f"pages/{first}/")).content.decode()
    assert "If the answer to" in page
    data = {
        "action": "branches",
        "revision": _revision(service),
        "rule-1-question": "is_it_blocking_a_path",
        "rule-1-op": "eq",
        "rule-1-value": "No",
        "rule-1-goto": "photo",
    }
    response = client.post(_url(service, f"pages/{first}/"), data)
    assert response.status_code == 302
    assert draft_definition(service_draft(service))["pages"][0]["next"] == [
        {"when": {"field": "is_it_blocking_a_path", "op": "eq", "value": "no"}, "goto": "photo"}
    ]
    refused = client.post(
        _url(service, f"pages/{first}/"),
        {**data, "rule-1-value": "perhaps", "revision": _revision(service)},
    )
    assert refused.status_code == 400
    assert "Branch 1: ‘Is it blocking a path?’ is yes or no" in refused.content.decode()


def test_the_preview_steps_through_the_draft_and_follows_branches(client, service):
    first = _built(client, service)
    client.post(_url(service, "pages/new/"), {"title": "Where", "revision": _revision(service)})
    client.post(
        _url(service, "pages/where/questions/new/"),
        _question(label="Where is it?", answer_type="text", revision=_revision(service)),
    )
    client.post(
        _url(service, f"pages/{first}/"),
        {
            "action": "branches",
            "revision": _revision(service),
            "rule-1-question": "is_it_blocking_a_path",
            "rule-1-value": "no",
            "rule-1-goto": "check",
        },
    )
    outer = client.get(_url(service, "preview/")).content.decode()
    assert "<iframe" in outer and 'width="375"' in outer
    frame = client.get(_url(service, "preview/frame/"))
    assert frame.status_code == 302
    shown = client.get(frame["Location"])
    assert shown["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in shown["Content-Security-Policy"]
    assert "Is it blocking a path?" in shown.content.decode()
    missing = client.get(_url(service, "preview/frame/"), {"page": first, "action": "continue"})
    assert "Select is it blocking a path" in missing.content.decode()
    yes = client.get(
        _url(service, "preview/frame/"),
        {"page": first, "action": "continue", "is_it_blocking_a_path": "yes"},
    )
    assert "?page=where&answers=" in yes["Location"]
    where = client.get(yes["Location"])
    assert 'name="answers"' in where.content.decode()
    answered = client.get(
        _url(service, "preview/frame/"),
        {
            "page": "where",
            "action": "continue",
            "where_is_it": "Elm Road",
            "answers": where.context["answers"],
        },
    )
    assert "?page=check&answers=" in answered["Location"]
    check = client.get(answered["Location"]).content.decode()
    assert "Elm Road" in check and "Yes" in check
    # Answers a browser made up are not read.
    forged = client.get(_url(service, "preview/frame/"), {"page": "check", "answers": "e30:x:y"})
    assert "Elm Road" not in forged.content.decode()
    no = client.get(
        _url(service, "preview/frame/"),
        {"page": first, "action": "continue", "is_it_blocking_a_path": "no"},
    )
    assert "?page=check&" in no["Location"]
    assert "Check your answers" in client.get(no["Location"]).content.decode()


def test_wording_in_english_and_welsh(client, service):
    _built(client, service)
    response = client.post(
        _url(service, "wording/"),
        {
            "title": "Report an overgrown hedge",
            "title_cy": "Rhoi gwybod am wrych",
            "confirmation": "We will look within 10 working days.",
            "revision": _revision(service),
        },
    )
    assert response.status_code == 302
    definition = draft_definition(service_draft(service))
    assert definition["title_cy"] == "Rhoi gwybod am wrych"
    assert definition["confirmation"] == ["We will look within 10 working days."]
    html = client.get(_url(service, "wording/")).content.decode()
    assert "Teitl y ffurflen (Cymraeg)" in html


def _as_posted(initial: dict) -> dict:
    return {
        k: "on" if v is True else v for k, v in initial.items() if v is not None and v is not False
    }


def test_every_demo_form_opens_in_the_builder_and_saves_back_unchanged(designer):
    from townhall.workflow.tests.helpers import demo_catalogue_with_processes

    client = _client(designer)
    for service in demo_catalogue_with_processes().values():
        before = draft_definition(service_draft(service))
        assert client.get(_url(service)).status_code == 200, service.slug
        for page in before["pages"]:
            response = client.get(_url(service, f"pages/{page['id']}/"))
            assert response.status_code == 200, (service.slug, page["id"])
            for field in page["fields"]:
                url = _url(service, f"questions/{field['name']}/")
                assert client.get(url).status_code == 200, (service.slug, field["name"])
                posted = {**_as_posted(question_initial(field)), "revision": _revision(service)}
                assert client.post(url, posted).status_code == 302, (service.slug, field["name"])
        after = draft_definition(service_draft(service))
        # Saved as it was, but for saying outright what was left unsaid: not required.
        for page in before["pages"]:
            for field in page["fields"]:
                field.setdefault("required", False)
        assert after == before, service.slug
        frame = client.get(_url(service, "preview/frame/"), follow=True)
        assert frame.status_code == 200, service.slug


def test_questions_move_on_their_page_and_one_read_by_a_branch_stays(client, service):
    first = _built(client, service)
    client.post(
        _url(service, f"pages/{first}/questions/new/"),
        _question(label="How tall is it?", answer_type="number", revision=_revision(service)),
    )
    moved = client.post(
        _url(service, "move/"),
        {
            "kind": "question",
            "id": "how_tall_is_it",
            "direction": "up",
            "back": first,
            "revision": _revision(service),
        },
    )
    assert moved["Location"] == _url(service, f"pages/{first}/")
    fields = draft_definition(service_draft(service))["pages"][0]["fields"]
    assert [f["name"] for f in fields] == ["how_tall_is_it", "is_it_blocking_a_path"]
    client.post(
        _url(service, f"pages/{first}/"),
        {
            "action": "branches",
            "revision": _revision(service),
            "rule-1-question": "how_tall_is_it",
            "rule-1-op": "ne",
            "rule-1-value": "2",
            "rule-1-goto": "check",
        },
    )
    refused = client.post(
        _url(service, "remove/"),
        {"kind": "question", "id": "how_tall_is_it", "back": first, "revision": _revision(service)},
        follow=True,
    )
    assert "branches on its answer. Change that branch first" in refused.content.decode()
    assert len(draft_definition(service_draft(service))["pages"][0]["fields"]) == 2
    listed = client.get(_url(service)).content.decode()
    assert "If ‘How tall is it?’ is not 2, go to Check answers" in listed
