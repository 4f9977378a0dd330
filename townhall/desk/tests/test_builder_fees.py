"""The fees page of the service builder (issue 16 point 5): only designers and administrators
reach it; a designer adds each kind of rule, changes, moves and removes them, and tries the
fee out for typed answers; a rule that does not fit the form is refused with its reasons and
rules the form has since broken are listed with links; a colleague's save is reported and
nothing typed is lost; every change is audited."""

import copy

import pytest
from django.test import Client

from townhall.accounts.models import User
from townhall.builder.drafts import service_create, service_draft, service_draft_save
from townhall.builder.models import ServiceDraft
from townhall.catalogue.models import Service
from townhall.core.models import AuditEvent
from townhall.desk.tests.factories import user_make
from townhall.workflow.models import ProcessVersion
from townhall.workflow.tests.helpers import demo_catalogue_with_processes

pytestmark = pytest.mark.django_db

BULKY_FORM = {
    "title": "Book a bulky collection",
    "pages": [
        {
            "id": "items",
            "fields": [
                {"name": "count", "type": "number", "integer": True, "label": "How many items?",
                 "required": True},
                {"name": "bin", "type": "radios", "label": "Bin size", "required": True,
                 "options": [{"value": "small", "label": "Small"},
                             {"value": "large", "label": "Large"}]},
                {"name": "benefits", "type": "yesno", "label": "Do you get benefits?",
                 "required": True},
            ],
        }
    ],
}  # fmt: skip


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bulky() -> Service:
    demo = demo_catalogue_with_processes()
    team = demo["report-fly-tipping"].default_team
    service = service_create(name="Book a bulky collection", summary="Big things.", team=team,
                             kind="request")  # fmt: skip
    draft = service_draft(service)
    data = copy.deepcopy(draft.data)
    data["form"] = {"definition": BULKY_FORM}
    service_draft_save(service=service, data=data, revision=draft.revision, actor=None, change="f")
    return service


@pytest.fixture
def designer() -> Client:
    return _client(user_make(role=User.Role.DESIGNER, full_name="Dee Signer"))


def _revision(service: Service) -> int:
    return ServiceDraft.objects.get(service=service).revision


def _rules(service: Service) -> list[dict]:
    return ServiceDraft.objects.get(service=service).data["fee_rules"]


def _add(client: Client, service: Service, kind: str, **values: str):
    return client.post(
        f"/staff/services/{service.slug}/fees/add/",
        {"kind": kind, "revision": _revision(service), **values},
    )


def test_only_designers_and_administrators_reach_the_fees_pages(bulky):
    base = f"/staff/services/{bulky.slug}/fees/"
    ServiceDraft.objects.filter(service=bulky).update(
        data={**ServiceDraft.objects.get(service=bulky).data,
              "fee_rules": [{"kind": "fixed", "label": "Booking", "pence": 100}]}
    )  # fmt: skip
    urls = [base, base + "add/", base + "add/?kind=fixed", base + "1/", base + "change/"]
    audited = AuditEvent.objects.count()
    for role in (User.Role.OFFICER, User.Role.AGENT, User.Role.MANAGER):
        client = _client(user_make(role=role))
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
            posted = {"kind": "fixed", "label": "x", "amount": "1", "action": "remove",
                      "number": "1", "revision": _revision(bulky)}  # fmt: skip
            assert client.post(url, posted).status_code == 403, (role, url)
    assert AuditEvent.objects.count() == audited
    assert len(_rules(bulky)) == 1
    admin = _client(user_make(role=User.Role.ADMIN))
    for url in urls[:4]:
        assert admin.get(url).status_code == 200, url


def test_the_service_and_settings_pages_link_to_the_fees(bulky, designer):
    for page in ("", "settings/"):
        html = designer.get(f"/staff/services/{bulky.slug}/{page}").content.decode()
        assert f'href="/staff/services/{bulky.slug}/fees/"' in html, page


def test_a_designer_builds_a_rule_table_and_tries_the_fee(bulky, designer):
    response = designer.get(f"/staff/services/{bulky.slug}/fees/add/")
    assert response.status_code == 200 and "What does the rule charge?" in response.content.decode()
    response = designer.get(f"/staff/services/{bulky.slug}/fees/add/?kind=per_item")
    html = response.content.decode()
    assert '<option value="count">How many items?</option>' in html
    assert '<option value="bin">' not in html.split('id="when_field"')[0]  # not countable

    assert _add(designer, bulky, "fixed", label="Collection of up to 3 items",
                label_cy="Casglu hyd at 3 eitem", amount="£35").status_code == 302  # fmt: skip
    assert _add(designer, bulky, "per_item", label="Each extra item", amount="8.5",
                field="count", included="3").status_code == 302  # fmt: skip
    assert _add(designer, bulky, "per_option", label="Bin", field="bin",
                **{"price-bin-2": "10"}).status_code == 302  # fmt: skip
    assert _add(designer, bulky, "discount", label="Concession", percent="50",
                when_field="benefits", when_value="yes").status_code == 302  # fmt: skip
    rules = _rules(bulky)
    assert [r["kind"] for r in rules] == ["fixed", "per_item", "per_option", "discount"]
    assert rules[0] == {"kind": "fixed", "label": "Collection of up to 3 items",
                        "label_cy": "Casglu hyd at 3 eitem", "pence": 3500}  # fmt: skip
    assert rules[2]["prices"] == {"large": 1000}

    page = designer.get(f"/staff/services/{bulky.slug}/fees/").content.decode()
    assert "£8.50 for each item of ‘How many items?’ after the first 3" in page
    tried = designer.get(
        f"/staff/services/{bulky.slug}/fees/",
        {"try": "1", "try-count": "5", "try-bin": "large", "try-benefits": "yes"},
    ).content.decode()
    # (35 + 2 x 8.50 + 10) = 62.00, halved: 31.00
    assert "<strong>£31.00</strong>" in tried and "−£31.00" in tried
    assert AuditEvent.objects.filter(object_type="service draft",
                                     detail__change__startswith="fee rules").count() == 4  # fmt: skip


def test_rules_are_changed_moved_and_removed(bulky, designer):
    _add(designer, bulky, "fixed", label="A", amount="1")
    _add(designer, bulky, "fixed", label="B", amount="2")
    base = f"/staff/services/{bulky.slug}/fees/"
    html = designer.get(base + "2/").content.decode()
    assert 'value="2.00"' in html
    response = designer.post(
        base + "2/", {"revision": _revision(bulky), "label": "Bee", "amount": "2.50"}
    )
    assert response.status_code == 302
    assert _rules(bulky)[1] == {"kind": "fixed", "label": "Bee", "pence": 250}
    designer.post(base + "change/", {"revision": _revision(bulky), "number": "2", "action": "up"})
    assert [r["label"] for r in _rules(bulky)] == ["Bee", "A"]
    designer.post(
        base + "change/", {"revision": _revision(bulky), "number": "1", "action": "remove"}
    )
    assert [r["label"] for r in _rules(bulky)] == ["A"]
    assert designer.get(base + "5/").status_code == 404


def test_a_rule_that_does_not_fit_is_refused_with_its_reasons(bulky, designer):
    response = _add(designer, bulky, "fixed", label="", amount="lots", when_field="bin",
                    when_value="huge")  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert '<a href="#label">Enter the label' in html
    assert '<a href="#amount">Enter the amount in pounds' in html
    response = _add(designer, bulky, "fixed", label="Big bin", amount="5", when_field="bin",
                    when_value="huge")  # fmt: skip
    assert response.status_code == 400
    assert "&#x27;huge&#x27; is not an option of &#x27;bin&#x27;" in response.content.decode()
    response = designer.get(f"/staff/services/{bulky.slug}/fees/add/?choose=1")
    assert (
        response.status_code == 400 and "Choose what the rule charges" in response.content.decode()
    )
    response = designer.get(f"/staff/services/{bulky.slug}/fees/add/?kind=nonsense")
    assert (
        response.status_code == 400 and "Choose what the rule charges" in response.content.decode()
    )
    assert _rules(bulky) == []


def test_rules_the_form_has_broken_are_listed_with_links(bulky, designer):
    draft = ServiceDraft.objects.get(service=bulky)
    data = copy.deepcopy(draft.data)
    data["fee_rules"] = [
        {"kind": "fixed", "label": "Fine", "pence": 100},
        {"kind": "per_item", "label": "Gone", "field": "gone", "pence": 100},
    ]
    service_draft_save(service=bulky, data=data, revision=draft.revision, actor=None, change="x")
    html = designer.get(f"/staff/services/{bulky.slug}/fees/").content.decode()
    assert (
        '<a href="#rule-2">/fee_rules/1/field: the form asks no question &#x27;gone&#x27;' in html
    )
    assert 'id="rule-2"' in html
    # The broken rule does not block other edits, and can be removed.
    assert _add(designer, bulky, "fixed", label="More", amount="1").status_code == 302
    designer.post(f"/staff/services/{bulky.slug}/fees/change/",
                  {"revision": _revision(bulky), "number": "2", "action": "remove"})  # fmt: skip
    assert [r["label"] for r in _rules(bulky)] == ["Fine", "More"]


def test_a_colleagues_save_is_reported_and_what_was_typed_is_kept(bulky, designer):
    revision = _revision(bulky)
    colleague = _client(user_make(role=User.Role.DESIGNER, full_name="Col League"))
    assert _add(colleague, bulky, "fixed", label="Theirs", amount="1").status_code == 302
    response = designer.post(
        f"/staff/services/{bulky.slug}/fees/add/",
        {"kind": "fixed", "revision": revision, "label": "Mine, carefully", "amount": "7.25"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Col League saved this draft" in html
    assert 'value="Mine, carefully"' in html and 'value="7.25"' in html
    assert f'name="revision" value="{_revision(bulky)}"' in html
    assert [r["label"] for r in _rules(bulky)] == ["Theirs"]
    response = designer.post(
        f"/staff/services/{bulky.slug}/fees/change/",
        {"revision": revision, "number": "1", "action": "remove"},
    )
    assert response.status_code == 302
    assert [r["label"] for r in _rules(bulky)] == ["Theirs"]


def test_a_rule_with_option_prices_reads_back_and_is_changed(bulky, designer):
    _add(designer, bulky, "per_option", label="Bin", field="bin", **{"price-bin-1": "4"})
    base = f"/staff/services/{bulky.slug}/fees/1/"
    html = designer.get(base).content.decode()
    assert 'id="price-bin-1" name="price-bin-1" type="text" value="4.00"' in html
    assert 'id="price-benefits-1"' in html  # every question with options has its prices
    response = designer.post(
        base,
        {"revision": _revision(bulky), "label": "Bin", "field": "bin", "price-bin-1": "4",
         "price-bin-2": "£6.50", "price-benefits-1": "99"},
    )  # fmt: skip
    assert response.status_code == 302
    assert _rules(bulky)[0]["prices"] == {"small": 400, "large": 650}


def test_a_service_that_cannot_start_a_draft_is_sent_back_told_why(bulky, designer):
    fly_tipping = Service.objects.get(slug="report-fly-tipping")
    ProcessVersion.objects.filter(key=fly_tipping.process_key).update(is_live=False)
    response = designer.get("/staff/services/report-fly-tipping/fees/", follow=True)
    assert response.redirect_chain[-1][0] == "/staff/services/report-fly-tipping/"
    assert "has no live version" in response.content.decode()
