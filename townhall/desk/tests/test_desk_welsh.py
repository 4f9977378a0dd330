"""The desk works in Welsh (issue 20 points 1, 3 and 4): every text staff read goes through
translation, staff choose the desk's language with the same switch as the portal, Welsh requests
are tagged so staff reply in Welsh, managers see requests by language, and the queue treats a
Welsh request exactly as an English one."""

import inspect
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from townhall.accounts.models import Team, User
from townhall.cases.models import Case
from townhall.cases.services import case_add_note
from townhall.desk import queue
from townhall.desk.figures import departments_for_figures, figures_for, figures_total
from townhall.desk.tests.factories import case_make, user_make

pytestmark = pytest.mark.django_db

HOME = reverse("desk:home")
FIGURES = reverse("desk:figures")
WELSH = {settings.LANGUAGE_COOKIE_NAME: "cy"}

# Words that are the same in both languages, or names no one translates.
SAME_IN_WELSH = {"Ward", "Bin", "Open311", "GOV.UK", "UPRN", "USRN", "Cymraeg", "English", "–"}


class _Texts(HTMLParser):
    """A page's text nodes, and the attributes people hear (aria-label, alt), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "alt") and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def _english_left(welsh_html: str, english_html: str, names: set[str]) -> list[str]:
    """Texts of the Welsh page that read exactly as on the English page, once names,
    references and numbers are taken out: English nobody translated."""
    english = set(_texts(english_html))
    left = []
    for text in _texts(welsh_html):
        if text not in english:
            continue
        rest = text
        for name in sorted(names | SAME_IN_WELSH, key=len, reverse=True):
            rest = rest.replace(name, " ")
        if re.search(r"[A-Za-z]{2,}", rest):
            left.append(text)
    return left


def _client(user: User, **cookies: str) -> Client:
    client = Client()
    client.force_login(user)
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


@pytest.fixture
def manager(waste):
    return user_make(
        role=User.Role.MANAGER, departments=[waste.department], full_name="Meinir Manager"
    )


@pytest.fixture
def welsh_case(waste, manager):
    case = case_make(
        service=waste,
        language="cy",
        summary="Sbwriel wrth y giât",
        contact_name="Siân Jones",
        contact_email="sian@example.com",
        location_text="Heol y Bont",
    )
    case_add_note(case=case, actor=manager, text="Criw wedi’i drefnu", is_public=False)
    return case


def _names(case: Case, user: User) -> set[str]:
    return (
        {
            case.reference,
            case.summary,
            case.contact_name,
            case.contact_email,
            case.location_text,
            case.service.name,
            case.service.summary,
            case.department.name,
            user.full_name,
            user.email,
            settings.COUNCIL_NAME,
        }
        | {event.text for event in case.events.all()}
        | {event.actor.full_name for event in case.events.all() if event.actor}
    )


@pytest.mark.parametrize("page", ["queue", "case", "figures"])
def test_the_desk_renders_in_welsh_with_no_english_left(page, manager, welsh_case):
    url = {
        "queue": HOME,
        "case": reverse("desk:case", args=[welsh_case.reference]),
        "figures": FIGURES,
    }[page]
    english = _client(manager).get(url)
    welsh = _client(manager, **WELSH).get(url)

    assert english.status_code == welsh.status_code == 200
    welsh_html, english_html = welsh.content.decode(), english.content.decode()
    assert '<html lang="cy"' in welsh_html
    assert '<html lang="en' in english_html
    left = _english_left(welsh_html, english_html, _names(welsh_case, manager))
    assert not left, "English left on the Welsh page:\n" + "\n".join(left)
    # The comparison has something to compare: the pages differ in their words, not their data.
    shown = welsh_case.department.name if page == "figures" else welsh_case.reference
    assert shown in welsh_html


def test_staff_who_chose_english_see_english_on_a_welsh_residents_case(manager, welsh_case):
    manager.language = "en"
    manager.save(update_fields=["language"])

    html = _client(manager).get(reverse("desk:case", args=[welsh_case.reference])).content
    page = html.decode()

    assert '<html lang="en' in page
    assert "Change status" in page and "Newid y statws" not in page
    # Told the resident asked in Welsh, so they reply in it.
    assert "data-welsh" in page
    assert "reply in Welsh" in page


def test_staff_who_chose_welsh_on_their_account_get_the_desk_in_welsh(manager, welsh_case):
    manager.language = "cy"
    manager.save(update_fields=["language"])

    page = _client(manager).get(HOME).content.decode()

    assert '<html lang="cy"' in page
    assert "Hidlo achosion" in page


def test_the_language_switch_on_the_desk_keeps_the_choice_and_comes_back(manager, welsh_case):
    client = _client(manager)
    page = client.get(HOME).content.decode()
    switch = reverse("portal:language", args=["cy"]) + "?next=/staff/"
    assert f'href="{switch}" lang="cy" hreflang="cy">Cymraeg</a>' in page

    response = client.get(switch)

    assert response.status_code == 302 and response["Location"] == "/staff/"
    manager.refresh_from_db()
    assert manager.language == "cy"
    welsh = client.get(HOME).content.decode()
    assert '<html lang="cy"' in welsh
    assert 'lang="en" hreflang="en">English</a>' in welsh


def test_the_kept_queue_lists_are_kept_once_per_language(settings, manager, welsh_case):
    cache.clear()
    settings.DESK_LISTS_KEEP_SECONDS = 600
    try:
        english = _client(manager).get(HOME).content.decode()
        welsh = _client(manager, **WELSH).get(HOME).content.decode()
        again = _client(manager).get(HOME).content.decode()
    finally:
        cache.clear()

    assert "Filter cases" in english and "Change the selected cases" in english
    assert "Hidlo achosion" in welsh and "Newid yr achosion a ddewiswyd" in welsh
    assert "Filter cases" not in welsh and "Change the selected cases" not in welsh
    assert "Filter cases" in again and "Hidlo achosion" not in again


def test_welsh_requests_are_tagged_on_the_queue(manager, welsh_case, waste):
    english_case = case_make(service=waste)

    page = _client(manager).get(HOME).content.decode()

    rows = {ref: row for row in page.split("<tr") for ref in re.findall(r">([A-Z0-9-]+)</a>", row)}
    assert "data-welsh" in rows[welsh_case.reference]
    assert "data-welsh" not in rows[english_case.reference]


def test_figures_count_requests_by_language_per_department_and_in_all(waste, housing):
    for _ in range(3):
        case_make(service=waste)
    case_make(service=waste, language="cy")
    case_make(service=housing, language="cy")
    old = case_make(service=waste, language="cy")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    admin = user_make(role=User.Role.ADMIN)

    rows = figures_for(departments_for_figures(admin), days=30)
    by_name = {row.department.name: row for row in rows}
    total = figures_total(rows)

    waste_row = by_name[waste.department.name]
    assert (waste_row.received, waste_row.english, waste_row.welsh) == (4, 3, 1)
    assert (waste_row.english_percent, waste_row.welsh_percent) == (75, 25)
    housing_row = by_name[housing.department.name]
    assert (housing_row.english, housing_row.welsh, housing_row.welsh_percent) == (0, 1, 100)
    assert (total.received, total.english, total.welsh) == (5, 3, 2)
    assert (total.english_percent, total.welsh_percent) == (60, 40)
    # Channels still add up when requests of one channel come in both languages.
    assert waste_row.by_channel == {"web": 4}

    html = _client(admin).get(FIGURES).content.decode()
    table = html.split("data-figures-language", 1)[1].split("</table>", 1)[0]
    waste_html = table.split(f'data-language-department="{waste.department.slug}"')[1]
    assert re.search(r"data-english>3 \(75%\)<", waste_html)
    assert re.search(r"data-welsh>1 \(25%\)<", waste_html)
    all_html = table.split('data-language-department="all"')[1]
    assert re.search(r"data-english>3 \(60%\)<", all_html)
    assert re.search(r"data-welsh>2 \(40%\)<", all_html)


def test_a_department_with_no_requests_shows_no_share(manager, waste):
    html = _client(manager).get(FIGURES).content.decode()
    row = html.split(f'data-language-department="{waste.department.slug}"')[1].split("</tr>")[0]
    assert "data-received>0<" in row
    assert "data-english>–<" in row and "data-welsh>–<" in row


def test_welsh_and_english_requests_are_treated_alike_in_every_queue(officer, waste):
    """Twins, a Welsh and an English request alike in all but language, come out side by side
    in every sort, together or not at all under every filter, count the same and get the same
    target date."""
    team = Team.objects.create(department=waste.department, slug="crew", name="Crew")
    officer.teams.add(team)
    now = timezone.now()
    twins = []
    for due, priority, channel in [
        (now - timedelta(days=1), "high", "web"),
        (now + timedelta(hours=2), "normal", "phone"),
        (now + timedelta(days=5), "urgent", "web"),
        (None, "low", "email"),
    ]:
        pair = []
        for language in ("en", "cy"):
            case = case_make(service=waste, language=language, channel=channel)
            pair.append(case)
        # The target the service gave each (its SLA) is the same whatever the language.
        assert pair[0].due_at.date() == pair[1].due_at.date()
        Case.objects.filter(pk__in=[c.pk for c in pair]).update(
            due_at=due,
            at_risk_at=None if due is None else due - timedelta(hours=4),
            priority=priority,
            team=team,
            assigned_to=officer,
            updated_at=now,
        )
        twins.append(tuple(c.pk for c in pair))
    twin_of = dict(twins) | {b: a for a, b in twins}
    visible = Case.objects.filter(department=waste.department)

    for sort in queue.SORTS:
        filters = queue.QueueFilters.from_params({"sort": sort, "status": "all"})
        page = queue.queue_page(queue.queue_cases(officer, visible, filters), filters)
        order = [c.pk for c in page.cases]
        assert len(order) == 8
        for pk in order:
            assert abs(order.index(pk) - order.index(twin_of[pk])) == 1, sort

    for params in [
        {"status": "open"},
        {"due": "overdue"},
        {"due": "at_risk"},
        {"priority": "urgent"},
        {"channel": "web"},
        {"team": "mine"},
        {"team": str(team.pk)},
        {"mine": "1"},
        {"q": "Rubbish"},
    ]:
        filters = queue.QueueFilters.from_params(params)
        picked = set(queue.queue_cases(officer, visible, filters).values_list("pk", flat=True))
        assert picked, params
        assert picked == {twin_of[pk] for pk in picked}, params

    welsh, english = visible.filter(language="cy"), visible.filter(language="en")
    assert queue.queue_status_counts(welsh) == queue.queue_status_counts(english)


def test_nothing_in_the_queue_orders_or_filters_by_language():
    assert "language" not in inspect.getsource(queue)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("desk:work", []),
        ("desk:permits", []),
        ("desk:contact:search", []),
        ("desk:contact:services", []),
        ("desk:contact:log", []),
        ("desk:contact:raise", []),
        ("desk:contact:case", ["reference"]),
        ("desk:slots", []),
        ("desk:slots_areas", []),
        ("desk:slots_create", []),
        ("waste_desk:rounds", []),
        ("waste_desk:import", []),
        ("desk:audit_search", []),
        ("desk:payments_reconciliation", []),
    ],
)
def test_the_other_desk_pages_render_in_welsh_with_no_english_left(name, args, waste, welsh_case):
    admin = user_make(role=User.Role.ADMIN, full_name="Alun Admin")
    url = reverse(name, args=[welsh_case.reference if a == "reference" else a for a in args])
    english = _client(admin).get(url)
    welsh = _client(admin, **WELSH).get(url)

    assert english.status_code == welsh.status_code == 200
    welsh_html = welsh.content.decode()
    assert '<html lang="cy"' in welsh_html
    left = _english_left(welsh_html, english.content.decode(), _names(welsh_case, admin))
    assert not left, "English left on the Welsh page:\n" + "\n".join(left)


def test_what_townhall_wrote_on_the_timeline_reads_in_the_desks_language(
    manager, welsh_case, waste
):
    from townhall.cases.services import case_assign, case_merge_duplicate

    case_assign(case=welsh_case, actor=manager, assignee=manager)
    duplicate = case_make(service=waste)
    case_merge_duplicate(duplicate=duplicate, original=welsh_case, actor=manager)
    url = reverse("desk:case", args=[welsh_case.reference])

    welsh = _client(manager, **WELSH).get(url).content.decode()
    english = _client(manager).get(url).content.decode()

    assert "Wedi’i neilltuo i Meinir Manager." in welsh
    assert f"Mae {duplicate.reference} wedi’i gyfuno â’r achos hwn fel dyblygiad." in welsh
    assert "Assigned to Meinir Manager." in english
    assert f"{duplicate.reference} was merged into this case as a duplicate." in english


def test_a_refusal_in_welsh_still_marks_the_field_it_is_about(manager, welsh_case):
    welsh_case.refresh_from_db()
    url = reverse("desk:case_status", args=[welsh_case.reference])
    response = _client(manager, **WELSH).post(
        url, {"status": "closed", "lock_version": welsh_case.lock_version}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Dewiswch sut cafodd yr achos ei ddatrys cyn ei gau." in html
    assert 'id="resolution-error"' in html
