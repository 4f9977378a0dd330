"""Inclusion beyond axe (issue 20 point 5), in a real Chromium: every portal page within two
clicks of home reflows at 320 CSS px and survives 200% text; the keyboard reaches everything
with a visible focus and no trap, from the skip link on; nothing means something by colour
alone; and a resident reports fly-tipping in Welsh with the keyboard only, then gets the
email in Welsh."""

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from townhall.cases.models import Case
from townhall.core.tests.browser import DESKTOP, new_page
from townhall.demo.contractors import demo_contractors_load
from townhall.demo.loader import demo_gazetteer_load, demo_services_load
from townhall.portal.tests.journeys import RESIDENT, answer_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10: 320 CSS px, no scrolling both ways

# Tables wider than the screen may scroll inside their own box (WCAG 1.4.10's exception for
# data tables): GOV.UK has no wrapper, ours is `.th-table-scroll`. Anything else that sticks out
# past the viewport's right edge is a reflow failure.
REFLOW_JS = """() => {
  const vw = window.innerWidth;
  const tooWide = [], scrolledInBox = [];
  const hidden = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden') return true;
      if (s.clip === 'rect(0px, 0px, 0px, 0px)' || s.clipPath === 'inset(50%)') return true;
    }
    return false;
  };
  const scrollBox = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const x = getComputedStyle(e).overflowX;
      if (x === 'auto' || x === 'scroll') return e;
    }
    return null;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= vw + 1 && r.left >= -1) continue;
    if (hidden(el) || el.closest(SKIPPED)) continue;
    const box = scrollBox(el);
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    if (box && box.getBoundingClientRect().right <= vw + 1) {
      scrolledInBox.push(box.className || box.tagName);
    } else {
      tooWide.push(`${name} [${Math.round(r.left)}..${Math.round(r.right)}]`);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth, innerWidth: vw,
    tooWide: tooWide.slice(0, 8), scrolledInBox: [...new Set(scrolledInBox)],
  };
}"""

# Text cut off: a box that hides its overflow (hidden or clip, not a scroller) with text in it
# that is bigger than the box. Visually hidden text (1 px, clipped on purpose) is left out.
CLIPPED_JS = """() => {
  const clipped = [];
  for (const el of document.body.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    const hides = (v) => v === 'hidden' || v === 'clip';
    if (!hides(s.overflowX) && !hides(s.overflowY) && s.textOverflow !== 'ellipsis') continue;
    if (!el.innerText || !el.innerText.trim() || el.closest(SKIPPED)) continue;
    if (el.clientWidth <= 1 || el.clientHeight <= 1) continue;  // visually hidden
    if (s.display === 'none' || s.visibility === 'hidden') continue;
    const wide = (hides(s.overflowX) || s.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1;
    const tall = hides(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if (wide || tall) clipped.push(`${el.tagName.toLowerCase()}.${el.className} "${el.innerText.trim().slice(0, 40)}"`);
  }
  return clipped;
}"""

# Overlap: two runs of visible text drawn over each other. Text boxes (a Range's line boxes),
# not element boxes: GOV.UK's labels and hints touch by their padding, not their letters.
OVERLAP_JS = """() => {
  const runs = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || !el.checkVisibility() || el.closest(SKIPPED)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width > 1 && r.height > 1) runs.push([node, r]);
    }
  }
  const found = [];
  for (let i = 0; i < runs.length; i++) for (let j = i + 1; j < runs.length; j++) {
    const [n, a] = runs[i], [m, b] = runs[j];
    if (n === m) continue;
    if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 2 &&
        Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2) {
      found.push(`"${n.data.trim().slice(0, 30)}" / "${m.data.trim().slice(0, 30)}"`);
    }
  }
  return found.slice(0, 5);
}"""

# Visually hidden text (clipped to 1 px on purpose, the skip link until focused) and the map (its tiles and panes are
# larger than its box by design; the street search below it is the map's alternative).
SKIPPED = ".govuk-visually-hidden, .govuk-skip-link:not(:focus), .leaflet-container"
for _name in ("REFLOW_JS", "CLIPPED_JS", "OVERLAP_JS"):
    globals()[_name] = globals()[_name].replace("SKIPPED", repr(SKIPPED))


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    call_command("load_demo", "--cases", "10", verbosity=0)


@pytest.fixture
def streets_and_services(settings):
    """The demo's streets and its own services, no people or history: enough for a guest's
    report, and a third of the whole demo's set-up time."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_CHANNEL = "django"
    demo_gazetteer_load()
    demo_services_load(starter=False)
    demo_contractors_load()  # the fly-tipping process sends hazardous waste to a contractor


# Links a crawl does not follow: another site, the language switch (a redirect to this page),
# signing out, staff pages, files and feeds.
SKIP = re.compile(r"^/(language|staff|admin|api|open311|account/sign-out)/|\.(ics|pdf|csv|json)$")


def _portal_links(page, base_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href)
        parts = urlsplit(url)
        if not url.startswith(base_url) or SKIP.search(parts.path):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in found:
            found.append(path)
    return found


def within_two_clicks(page, base_url: str, check) -> list[str]:
    """Calls `check(path)` on home, every portal page it links to, and every page those link
    to, each loaded once; returns their paths."""
    page.goto(base_url + "/")
    check("/")
    first = [p for p in _portal_links(page, base_url) if p != "/"]
    seen = ["/", *first]
    second: list[str] = []
    for path in first:
        page.goto(base_url + path)
        check(path)
        found = [p for p in _portal_links(page, base_url) if p not in seen and p not in second]
        second += found
    for path in second:
        page.goto(base_url + path)
        check(path)
    return seen + second


def assert_reflows(page, where: str) -> list[str]:
    """No horizontal scroll and nothing sticking out at this width; returns the scroll boxes
    that were allowed to hold something wider."""
    found = page.evaluate(REFLOW_JS)
    assert found["scrollWidth"] <= found["innerWidth"], (where, found)
    assert found["tooWide"] == [], (where, found)
    return found["scrolledInBox"]


def assert_text_zooms(page, where: str) -> None:
    """Doubles the root font size (GOV.UK Frontend sizes text in rem) and checks no text is
    cut off, overlaps other text, or makes the page scroll sideways."""
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    assert page.evaluate("getComputedStyle(document.body).fontSize") != "16px", where
    assert page.evaluate(CLIPPED_JS) == [], where
    assert page.evaluate(OVERLAP_JS) == [], where
    assert page.evaluate(REFLOW_JS)["scrollWidth"] <= DESKTOP["width"], where


def send(page, button) -> None:
    """Press the form's button (its name, or a locator) and wait for the page it leads to,
    not the one still shown."""
    with page.expect_navigation():
        (page.get_by_role("button", name=button) if isinstance(button, str) else button).click()


def form_pages(page, base_url: str, slug: str, check) -> list[str]:
    """Walks a service's form: each page, its error state (submitted empty), check answers
    and the confirmation, calling `check(label)` on each. Returns the questions it accepted
    empty that did not say they were optional."""
    unsaid: list[str] = []
    page.goto(f"{base_url}/services/{slug}/")
    check(f"{slug} start")
    send(page, "Start now")
    for _ in range(15):
        if "/check/" in page.url or "/outcomes/" in page.url:
            break
        check(f"{slug} page")
        unmarked = page.evaluate(UNMARKED_JS)
        send(page, "Continue")
        if page.locator(".govuk-error-summary").count():
            check(f"{slug} error state")
            answer_page(page)
            send(page, "Continue")
        elif unmarked:
            unsaid.append(f"{slug}: accepted empty but not marked optional: {unmarked}")
    check(f"{slug} {'outcome' if '/outcomes/' in page.url else 'check answers'}")
    if "/check/" in page.url:
        send(page, "Accept and send")
        check(f"{slug} confirmation")
    return unsaid


def test_every_page_reflows_takes_200_percent_text_and_means_nothing_by_colour_alone(
    live_server, browser, demo
):
    base = live_server.url
    narrow = new_page(browser, viewport=NARROW).page
    allowed: set[str] = set()
    failures: list[str] = []
    visited = tags = 0

    def check_both(label: str) -> None:
        # The same page (a POST's error state too) at 320 px, then at 1280 px with 200% text;
        # and what it says by colour it says in words too.
        nonlocal visited, tags
        narrow.wait_for_load_state("load")
        refused = narrow.locator(".govuk-error-summary").count() > 0
        found = narrow.evaluate(COLOUR_JS, refused)
        failures.extend(f"colour alone: {label} {narrow.url}: {problem}" for problem in found)
        tags += narrow.locator(".govuk-tag").count()
        try:
            allowed.update(assert_reflows(narrow, f"{label} {narrow.url}"))
        except AssertionError as reflow:
            failures.append(f"320 px: {reflow}")
        narrow.set_viewport_size(DESKTOP)
        try:
            assert_text_zooms(narrow, f"{label} {narrow.url}")
        except AssertionError as zoom:
            failures.append(f"200% text: {zoom}")
        narrow.evaluate("() => { document.documentElement.style.fontSize = ''; }")
        narrow.set_viewport_size(NARROW)
        visited += 1

    # Anonymous: the pages, the account forms sent empty, fly-tipping as a guest (with the
    # contact page); then signed in: the pages (My account, requests) and a missed bin. Each
    # form page by page, with an error state, check answers and the confirmation.
    for signed_in, slug in (
        (False, "report-fly-tipping"),
        (True, "report-a-missed-bin-collection"),
    ):
        if signed_in:
            sign_in(narrow, f"{base}/account/sign-in/", RESIDENT)
        within_two_clicks(narrow, base, check_both)
        if not signed_in:
            for path in ("/account/sign-in/", "/account/register/"):
                narrow.goto(base + path)
                send(narrow, narrow.locator("main button[type=submit]").first)
                assert narrow.locator(".govuk-error-summary").count() == 1, path
                check_both(f"{path} sent empty")
        failures += form_pages(narrow, base, slug, check_both)
    assert failures == [], "\n".join(failures)
    assert visited > 40
    assert tags > 0, "the resident's requests show their status in tags"
    assert allowed <= {"th-table-scroll"}, allowed


# --- The keyboard ------------------------------------------------------------------------------

# What a focus indicator can change: GOV.UK's yellow is a background, a box shadow or an
# outline, on the control itself or (radios, checkboxes) on its label's drawn box.
FOCUS_PROPS = [
    "outline-style",
    "outline-width",
    "outline-color",
    "box-shadow",
    "background-color",
    "color",
    "text-decoration-line",
    "border-width",
    "border-color",
]
TABBABLE = (
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), "
    "select:not([disabled]), textarea:not([disabled]), summary, [tabindex]"
)
STYLE_JS = """(el) => {
  const props = PROPS;
  const of = (e, pseudo) => e ? props.map((p) => getComputedStyle(e, pseudo).getPropertyValue(p)).join('|') : '';
  return [of(el), of(el, '::before'), of(el, '::after'), of(el.nextElementSibling, '::before')].join('#');
}""".replace("PROPS", json.dumps(FOCUS_PROPS))

# Numbers every control the keyboard should reach (a radio group is one stop: its checked or
# first radio) and keeps how each looks unfocused.
MARK_JS = """() => {
  const style = STYLE;
  const groups = new Set();
  const found = [];
  for (const el of document.querySelectorAll(TABBABLE)) {
    if (el.tabIndex < 0 || !el.checkVisibility() || el.closest('[inert]')) continue;
    if (el.type === 'radio') {
      if (groups.has(el.name)) continue;
      groups.add(el.name);
    }
    el.dataset.kb = found.length;
    el.dataset.kbStyle = style(el);
    found.push(el.dataset.kb);
  }
  return found.length;
}""".replace("STYLE", STYLE_JS).replace("TABBABLE", json.dumps(TABBABLE))

FOCUSED_JS = """() => {
  const style = STYLE;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  let kb = el.dataset.kb;
  if (kb === undefined && el.type === 'radio') {
    const group = document.querySelector(`input[type=radio][name="${el.name}"][data-kb]`);
    kb = group && group.dataset.kb;
    if (group) return {kb, shows: style(el) !== group.dataset.kbStyle, tag: 'input', type: 'radio', name: el.name, value: el.value, text: el.labels[0] && el.labels[0].innerText.trim()};
  }
  return {
    kb, shows: el.dataset.kbStyle !== undefined && style(el) !== el.dataset.kbStyle,
    tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '', value: el.value || '',
    id: el.id, cls: el.className,
    text: (el.labels && el.labels[0] ? el.labels[0].innerText : el.innerText || el.value || '').trim(),
    inMain: !!el.closest('main'),
  };
}""".replace("STYLE", STYLE_JS)


class Keyboard:
    """Drives a page with the keyboard alone; every Tab stop must show it has focus."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def arrive(self) -> int:
        """On a new page: number the controls and keep their unfocused look."""
        self.page.wait_for_load_state("load")
        # GOV.UK Frontend is imported after load: its skip link (and error summary) work once
        # it has marked them set up.
        self.page.locator("[data-govuk-skip-link-init]").wait_for(state="attached")
        self.count = self.page.evaluate(MARK_JS)
        return self.count

    def tab(self) -> dict | None:
        self.page.keyboard.press("Tab")
        focused = self.page.evaluate(FOCUSED_JS)
        if focused is not None:
            assert focused["shows"], f"no visible focus on {focused} at {self.page.url}"
        return focused

    def tab_to(self, wanted) -> dict:
        """Tabs (never more than a page's controls and then some) until `wanted(focused)`."""
        for _ in range(self.count + 10):
            focused = self.tab()
            if focused and wanted(focused):
                return focused
        raise AssertionError(f"the keyboard never reached it on {self.page.url}")

    def press(self, key: str, navigates: bool = True) -> None:
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
            self.arrive()
        else:
            self.page.keyboard.press(key)


def named(text: str):
    return lambda focused: re.search(text, focused["text"] or "", re.IGNORECASE) is not None


def test_skip_link_first_visible_focus_everywhere_and_no_trap(
    live_server, browser, streets_and_services
):
    base = live_server.url
    page = new_page(browser, viewport=DESKTOP).page
    keys = Keyboard(page)
    page.goto(base + "/")
    keys.arrive()
    first = keys.tab()
    assert first is not None and "govuk-skip-link" in first["cls"], first
    keys.press("Enter", navigates=False)
    assert page.evaluate("document.activeElement.id") == "main-content"
    after = keys.tab()
    assert after is not None and after["inMain"], "after the skip link, Tab goes on inside main"

    # Each page: Tab from the top reaches every control once, each with visible focus, then
    # leaves the page (to the browser's own controls): no trap.
    def walk(label: str) -> None:
        total = keys.arrive()
        # An error page starts with focus on its error summary (GOV.UK's script): the Tab
        # stops above it come after the browser's own controls, going round once.
        round_once = page.evaluate("document.activeElement !== document.body")
        reached: list[str] = []
        left = False
        for _ in range(total + 10):
            focused = keys.tab()
            if focused is None:
                if left or not round_once:
                    left = True
                    break
                left = True
                continue
            if focused["kb"] in reached:
                assert left, f"focus went round inside the page at {focused} on {label}: a trap"
                break
            reached.append(focused["kb"])
        assert left, f"focus never left {label}: a keyboard trap"
        missed = sorted(set(map(str, range(total))) - set(reached), key=int)
        assert missed == [], f"the keyboard never reached controls {missed} on {label}"

    for path in ("/", "/services/", "/account/sign-in/", "/bin-day/"):
        page.goto(base + path)
        walk(path)
    # A form page with the map, a page of checkboxes, and that page's error state.
    page.goto(f"{base}/services/report-fly-tipping/")
    send(page, "Start now")
    page.locator("[data-map]").wait_for(state="visible")
    walk("map page")
    answer_page(page)
    send(page, "Continue")
    walk("checkboxes page")
    send(page, "Continue")
    assert page.locator(".govuk-error-summary").count() == 1
    walk("checkboxes error state")


# --- Reporting fly-tipping in Welsh with the keyboard alone --------------------------------------

EMAIL = "preswylydd@example.com"


def report_fly_tipping_in_welsh(page, base: str) -> str:
    """Home in English to the confirmation in Welsh, with Tab, Space, Enter, arrows and typing
    only (the location by its street search, not the map). Returns the reference."""
    keys = Keyboard(page)
    button = lambda text: lambda f: f["tag"] == "button" and f["text"] == text  # noqa: E731

    def continue_on() -> None:
        keys.tab_to(button("Parhau"))
        keys.press("Enter")

    page.goto(base + "/")
    keys.arrive()
    keys.tab_to(named("^Cymraeg$"))
    keys.press("Enter")
    assert page.locator("html").get_attribute("lang") == "cy"
    # The service's name: Welsh once its service file has it, English (lang="en") until then.
    keys.tab_to(named("[td]ipio anghyfreithlon|fly-tipping"))
    keys.press("Enter")
    keys.tab_to(named("^Dechrau nawr$"))
    keys.press("Enter")

    # Where: the street search, the place chosen from its list.
    keys.tab_to(lambda f: f["name"].endswith("-query"))
    page.keyboard.type("Bank Street")
    keys.tab_to(lambda f: f["tag"] == "button" and f["value"] == "find")
    keys.press("Enter")
    keys.tab_to(lambda f: f["type"] == "radio" and f["name"].endswith("-choice"))
    keys.press("Space", navigates=False)
    continue_on()

    # What: sent empty first; the Welsh error summary's link takes focus to the question.
    keys.tab_to(button("Parhau"))
    keys.press("Enter")
    summary = page.locator(".govuk-error-summary")
    assert "Mae problem" in summary.inner_text(), summary.inner_text()
    keys.tab_to(
        lambda f: (
            f["tag"] == "a"
            and "govuk-error-summary"
            in (
                page.evaluate(
                    "document.activeElement.closest('.govuk-error-summary') ? 'govuk-error-summary' : ''"
                )
            )
        )
    )
    keys.press("Enter", navigates=False)
    assert page.evaluate("document.activeElement.type") == "checkbox"
    keys.press("Space", navigates=False)
    continue_on()

    # How much: arrow keys move along the radios and choose.
    keys.tab_to(lambda f: f["type"] == "radio")
    keys.press("ArrowDown", navigates=False)
    assert page.locator("input[name=amount]:checked").get_attribute("value") == "car_boot"
    continue_on()
    continue_on()  # photos: optional
    keys.tab_to(lambda f: f["tag"] == "textarea")
    page.keyboard.type("Soffa a dwy gadair wrth y garejys.")
    continue_on()

    # Your details (a guest: no account).
    keys.tab_to(lambda f: f["name"].endswith("contact_name"))
    page.keyboard.type("Gwen Preswylydd")
    keys.tab_to(lambda f: f["type"] == "email")
    page.keyboard.type(EMAIL)
    continue_on()

    assert "/check/" in page.url
    keys.tab_to(button("Derbyn ac anfon"))
    keys.press("Enter")
    return page.locator("[data-reference]").inner_text().strip()


def test_a_resident_reports_fly_tipping_in_welsh_with_the_keyboard_alone(
    live_server, browser, streets_and_services
):
    mail.outbox.clear()
    page = new_page(browser, viewport=DESKTOP).page
    reference = report_fly_tipping_in_welsh(page, live_server.url)
    assert re.fullmatch(r"FT-\d{4}-\d{6}", reference), reference
    case = Case.objects.get(reference=reference)
    assert case.language == "cy"
    sent = [m for m in mail.outbox if m.to == [EMAIL]]
    # The report's receipt, and (the fly-tipping process moves it on straight away) its
    # first status change: both in Welsh.
    received = [m for m in sent if reference in m.subject and m.subject.startswith("Adroddiad")]
    assert len(received) == 1, [m.subject for m in mail.outbox]
    email = received[0]
    # templates/notifications/report-fly-tipping/created.cy.txt
    assert email.subject == f"Adroddiad am dipio anghyfreithlon {reference} wedi dod i law"
    assert "Annwyl Gwen Preswylydd," in email.body
    assert f"Eich cyfeirnod yw {reference}." in email.body
    assert "Bydd ein tîm strydoedd yn ei asesu" in email.body
    for message in sent:
        assert "Annwyl" in message.body, message.subject
        assert "Dear" not in message.body and "Your request" not in message.subject


def _welsh_labels() -> dict[str, str]:
    """Each question page's Welsh question, from the service file the demo loads."""
    path = Path(settings.BASE_DIR) / "townhall" / "demo" / "services" / "report-fly-tipping.yaml"
    pages = yaml.safe_load(path.read_text())["form"]["definition"]["pages"]
    return {page["id"]: page["fields"][0].get("label_cy", "") for page in pages}


# The page's question: its h1 without the service's name captioned above it (a label's h1
# holds the caption too).
QUESTION_JS = """() => {
  const h1 = document.querySelector('main h1').cloneNode(true);
  h1.querySelectorAll('[class*="govuk-caption"]').forEach((c) => c.remove());
  return h1.innerText.trim();
}"""


def test_the_fly_tipping_questions_are_asked_in_welsh(live_server, browser, streets_and_services):
    context = new_page(browser, viewport=DESKTOP).page.context
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "cy", "url": live_server.url}]
    )
    page = context.pages[0]
    page.goto(f"{live_server.url}/services/report-fly-tipping/")
    send(page, page.locator("main form button").first)
    shown: dict[str, str] = {}
    for _ in range(10):
        if "/check/" in page.url or "your-details" in page.url:
            break
        page_id = page.url.rstrip("/").rsplit("/", 1)[-1]
        shown[page_id] = page.evaluate(QUESTION_JS)
        if page.locator("input[name$='-query']").count():
            page.locator("input[name$='-query']").fill("Bank Street")
            send(page, page.locator("button[value=find]"))
            page.locator("input[type=radio][name$='-choice']").first.check()
        else:
            answer_page(page)
        send(page, page.locator("button[value=continue]"))
    welsh = _welsh_labels()
    assert set(shown) >= {"location", "waste-types", "amount", "photos", "description"}
    for page_id, question in shown.items():
        assert welsh[page_id], f"no Welsh question for the {page_id} page"
        assert question == welsh[page_id], page_id


# --- No meaning in colour alone --------------------------------------------------------------

# Each question on a page sent empty: one the page refuses (red border) says why in words, and
# the error summary links to it; one it accepts empty says "(optional)" in its label. Status
# tags have words; links in the page's text are underlined, not only coloured.
COLOUR_JS = """(refused) => {
  const problems = [];
  const words = (el) => (el ? el.innerText.replace(/^(Error|Gwall):/, '').trim() : '');
  const summaryLinks = [...document.querySelectorAll('.govuk-error-summary a')].map(
    (a) => a.getAttribute('href').slice(1));
  for (const g of QUESTIONS) {
    const asks = words(g.querySelector('legend, label'));
    if (/\\*/.test(asks)) problems.push(`an asterisk marks: ${asks}`);
    if (!refused) continue;
    if (g.classList.contains('govuk-form-group--error')) {
      const message = g.querySelector('.govuk-error-message');
      if (!message || !words(message) || !message.checkVisibility()) problems.push(`no error text: ${asks}`);
      if (!summaryLinks.some((id) => g.querySelector(`[id="${id}"]`))) problems.push(`not in the summary: ${asks}`);
    } else if (!OPTIONAL.test(g.innerText)) {
      problems.push(`accepted empty but not marked optional: ${asks}`);
    }
  }
  for (const tag of document.querySelectorAll('.govuk-tag')) {
    if (!tag.innerText.trim()) problems.push(`a tag with no words: ${tag.className}`);
  }
  for (const a of document.querySelectorAll('main a[href]')) {
    if (a.closest('.govuk-button, .govuk-skip-link, .leaflet-control-zoom')) continue;
    if (!a.checkVisibility() || !a.innerText.trim()) continue;
    if (!getComputedStyle(a).textDecorationLine.includes('underline')) {
      problems.push(`a link told apart by colour only: "${a.innerText.trim().slice(0, 40)}"`);
    }
  }
  return problems;
}"""
# The page's questions: its outermost form groups with a control (the location's street
# search is part of its question).
QUESTIONS = """[...document.querySelectorAll('main form .govuk-form-group')].filter(
    (g) => !g.parentElement.closest('.govuk-form-group') && g.checkVisibility() &&
      g.querySelector('input:not([type=hidden]), select, textarea'))"""
OPTIONAL = r"/\((optional|dewisol)\)/i"
COLOUR_JS = COLOUR_JS.replace("QUESTIONS", QUESTIONS).replace("OPTIONAL", OPTIONAL)
# The questions on this page, empty (a signed-in resident's address comes filled in), that
# their labels do not call optional.
UNMARKED_JS = (
    (
        "() => QUESTIONS.filter((g) => !OPTIONAL.test(g.innerText) && ![...g.querySelectorAll("
        "'input, select, textarea')].some((c) => c.type === 'radio' || c.type === 'checkbox' ?"
        " c.checked : c.type !== 'hidden' && c.type !== 'file' && c.value))"
        ".map((g) => g.querySelector('legend, label').innerText.trim())"
    )
    .replace("QUESTIONS", QUESTIONS)
    .replace("OPTIONAL", OPTIONAL)
)
