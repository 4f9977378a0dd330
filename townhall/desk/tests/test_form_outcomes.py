"""The form builder's outcomes pages: a designer adds, changes, moves and removes a form's
outcomes with plain forms, English and Welsh side by side; others get 403; a colleague's
save is never overwritten and what was typed is kept; an eligibility checker's pages list
says every route must end on an outcome and lists what is missing."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from townhall.accounts.models import Team, User
from townhall.builder.drafts import service_draft
from townhall.builder.form_drafts import draft_definition
from townhall.catalogue.models import Service
from townhall.core.models import AuditEvent
from townhall.desk.tests.factories import department_make, service_make, user_make
from townhall.eforms.models import OutcomeCount

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def service():
    return service_make(name="Can I get a garden waste bin?")


@pytest.fixture
def client() -> Client:
    return _client(user_make(role=User.Role.DESIGNER, full_name="Dee Signer"))


def _url(service, rest: str = "") -> str:
    return f"/staff/services/{service.slug}/form/{rest}"


def _revision(service) -> int:
    return service_draft(service).revision


def _outcomes(service) -> list[dict]:
    return draft_definition(service_draft(service)).get("outcomes", [])


def _question_page(client, service) -> None:
    client.post(_url(service, "pages/new/"), {"title": "", "revision": _revision(service)})
    client.post(
        _url(service, "pages/page-1/questions/new/"),
        {
            "label": "Do you live in the borough?",
            "answer_type": "yesno",
            "required": "on",
            "revision": _revision(service),
        },
    )


def _add(client, service, title: str, **extra):
    return client.post(
        _url(service, "outcomes/new/"), {"title": title, "revision": _revision(service), **extra}
    )


def test_only_designers_and_administrators_reach_the_outcomes(client, service):
    _add(client, service, "You can get a bin")
    for role in (User.Role.OFFICER, User.Role.AGENT, User.Role.MANAGER):
        other = _client(user_make(role=role))
        for url in ("outcomes/new/", "outcomes/you-can-get-a-bin/"):
            assert other.get(_url(service, url)).status_code == 403, (role, url)
            assert other.post(_url(service, url), {"title": "x"}).status_code == 403
        posted = {"kind": "outcome", "id": "you-can-get-a-bin", "revision": _revision(service)}
        assert other.post(_url(service, "remove/"), posted).status_code == 403
    assert [o["title"] for o in _outcomes(service)] == ["You can get a bin"]
    admin = _client(user_make(role=User.Role.ADMIN))
    assert admin.get(_url(service, "outcomes/new/")).status_code == 200
    assert client.get(_url(service, "outcomes/no-such-outcome/")).status_code == 404


def test_a_designer_adds_an_outcome_in_english_and_welsh(client, service):
    listed = client.get(_url(service)).content.decode()
    assert "Outcomes" in listed and "Add an outcome" in listed
    page = client.get(_url(service, "outcomes/new/")).content.decode()
    for label in ("Outcome title", "Teitl y canlyniad (Cymraeg)", "What to do next (optional)"):
        assert label in page, label
    response = _add(
        client,
        service,
        "You can get a bin",
        title_cy="Gallwch gael bin",
        panel="on",
        body="It costs £40 a year.\r\n\r\nWe collect every other week.",
        next_steps="Apply for a bin | /services/garden-waste/",
        next_steps_cy="Gwneud cais am fin",
    )
    assert response.status_code == 302
    assert response["Location"] == _url(service)
    assert _outcomes(service) == [
        {
            "id": "you-can-get-a-bin",
            "title": "You can get a bin",
            "title_cy": "Gallwch gael bin",
            "panel": True,
            "body": ["It costs £40 a year.", "We collect every other week."],
            "next_steps": [
                {
                    "text": "Apply for a bin",
                    "href": "/services/garden-waste/",
                    "text_cy": "Gwneud cais am fin",
                }
            ],
        }
    ]
    changes = AuditEvent.objects.filter(object_type="service draft").values_list(
        "detail__change", flat=True
    )
    assert "added outcome You can get a bin" in list(changes)
    edit = client.get(_url(service, "outcomes/you-can-get-a-bin/")).content.decode()
    assert "Apply for a bin | /services/garden-waste/</textarea>" in edit
    assert 'value="Gallwch gael bin"' in edit


def test_a_refused_outcome_shows_every_reason_and_keeps_what_was_typed(client, service):
    response = _add(
        client, service, "", title_cy="Gallwch", next_steps="Apply | javascript:alert(1)"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Add an outcome" in html
    assert 'href="#title"' in html and "Enter the outcome&#x27;s title" in html
    assert 'href="#next_steps"' in html and "the link is not right" in html
    assert 'value="Gallwch"' in html
    assert "Apply | javascript:alert(1)</textarea>" in html
    assert _outcomes(service) == []


def test_a_colleagues_save_is_not_overwritten_and_the_typed_outcome_is_kept(client, service):
    _add(client, service, "You can get a bin")
    seen = _revision(service)
    colleague = _client(user_make(role=User.Role.DESIGNER, full_name="Colin League"))
    colleague.post(_url(service, "wording/"), {"title": "Garden bins", "revision": seen})
    url = _url(service, "outcomes/you-can-get-a-bin/")
    typed = {"title": "Yes, you can", "next_steps_cy": "\nAil", "revision": seen}
    response = client.post(url, {**typed, "next_steps": "First | /a\nSecond | /b"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Colin League saved this draft" in html and "Nothing you typed is lost" in html
    assert 'value="Yes, you can"' in html
    assert "\n\nAil</textarea>" in html  # the first Welsh line stays empty
    assert f'name="revision" value="{seen + 1}"' in html
    assert _outcomes(service)[0]["title"] == "You can get a bin"
    client.post(url, {**typed, "next_steps": "First | /a\nSecond | /b", "revision": seen + 1})
    definition = draft_definition(service_draft(service))
    assert definition["title"] == "Garden bins"
    assert definition["outcomes"][0]["id"] == "you-can-get-a-bin"
    assert definition["outcomes"][0]["next_steps"] == [
        {"text": "First", "href": "/a"},
        {"text": "Second", "href": "/b", "text_cy": "Ail"},
    ]


def test_an_outcome_a_page_ends_on_shows_where_and_cannot_be_removed(client, service):
    _question_page(client, service)
    _add(client, service, "You cannot get a bin")
    _add(client, service, "You can get a bin")
    client.post(
        _url(service, "pages/page-1/"),
        {"action": "branches", "revision": _revision(service),
         "otherwise": "outcome:you-can-get-a-bin"},
    )  # fmt: skip
    listed = client.get(_url(service)).content.decode()
    assert "Ends the journey from: Page 1: Do you live in the borough?" in listed
    assert "No page ends on it yet." in listed
    refused = client.post(
        _url(service, "remove/"),
        {"kind": "outcome", "id": "you-can-get-a-bin", "revision": _revision(service)},
        follow=True,
    )
    assert "cannot be removed: page 1 ends on it" in refused.content.decode()
    moved = client.post(
        _url(service, "move/"),
        {"kind": "outcome", "id": "you-can-get-a-bin", "direction": "up",
         "revision": _revision(service)},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert moved.status_code == 200
    assert 'data-focus-id="outcome:you-can-get-a-bin"' in moved.content.decode()
    assert [o["id"] for o in _outcomes(service)] == ["you-can-get-a-bin", "you-cannot-get-a-bin"]
    removed = client.post(
        _url(service, "remove/"),
        {"kind": "outcome", "id": "you-cannot-get-a-bin", "revision": _revision(service)},
    )
    assert removed.status_code == 302
    assert [o["id"] for o in _outcomes(service)] == ["you-can-get-a-bin"]


def test_an_eligibility_checkers_list_says_every_route_ends_on_an_outcome(client, service):
    Service.objects.filter(pk=service.pk).update(kind=Service.Kind.ELIGIBILITY)
    service.refresh_from_db()
    _question_page(client, service)
    listed = client.get(_url(service)).content.decode()
    assert "This is an eligibility checker" in listed
    assert "Every route through it must end on an outcome" in listed
    assert "Outcomes: an eligibility checker needs at least one outcome" in listed
    assert "Page 1: the last page of an eligibility checker must always end on an outcome" in (
        listed
    )
    _add(client, service, "You can get a bin")
    client.post(
        _url(service, "pages/page-1/"),
        {"action": "branches", "revision": _revision(service),
         "otherwise": "outcome:you-can-get-a-bin"},
    )  # fmt: skip
    listed = client.get(_url(service)).content.decode()
    assert "This is an eligibility checker" in listed
    assert "Before this form can be published" not in listed
    plain = service_make(name="Report a hedge")
    assert "This is an eligibility checker" not in client.get(_url(plain)).content.decode()


def test_an_eligibility_checker_is_built_and_published_wholly_in_the_browser(client):
    team = Team.objects.create(department=department_make(), name="Waste", slug="waste")
    created = client.post(
        "/staff/services/new/",
        {"name": "Can I get a garden waste bin?", "summary": "Find out in a minute.",
         "team": team.slug, "kind": "eligibility"},
    )  # fmt: skip
    assert created.status_code == 302
    service = Service.objects.get(name="Can I get a garden waste bin?")
    _question_page(client, service)
    _add(client, service, "You can get a bin", panel="on",
         next_steps="Apply for a bin | /services/garden-waste/")  # fmt: skip
    _add(client, service, "You cannot get a bin", body="We collect only in the borough.")
    client.post(
        _url(service, "pages/page-1/"),
        {"action": "branches", "revision": _revision(service),
         "rule-1-question": "do_you_live_in_the_borough", "rule-1-value": "No",
         "rule-1-goto": "outcome:you-cannot-get-a-bin",
         "otherwise": "outcome:you-can-get-a-bin"},
    )  # fmt: skip
    assert "Before this form can be published" not in client.get(_url(service)).content.decode()
    published = client.post(
        f"/staff/services/{service.slug}/publish/",
        {"revision": _revision(service), "note": "First version"},
    )
    assert published.status_code == 302, published.content.decode()[-3000:]
    cache.clear()  # the catalogue's cached lists

    resident = Client()
    begun = resident.post(reverse("portal:form_begin", args=[service.slug]))
    ended = resident.post(begun["Location"], {"do_you_live_in_the_borough": "no"})
    outcome_url = reverse("portal:service_outcome", args=[service.slug, "you-cannot-get-a-bin"])
    assert ended["Location"] == outcome_url
    assert "We collect only in the borough." in resident.get(outcome_url).content.decode()
    assert OutcomeCount.objects.get().outcome == "you-cannot-get-a-bin"
