"""The form journey: one controller for every front door that fills a service's form.

Given a FormSession, a page and the request's data and files, it parses the answers, stores
files, decides where to go next (another page, the check-answers page, the done page), builds
the page's context (questions, errors, back link) and submits. It knows nothing of URLs,
templates or who may use a session: each door (the portal for residents, the contact centre
for agents raising a request for a caller, later the field app) passes a `JourneyDoor` that
turns a step into its own URLs, and renders the context with its own templates.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.catalogue.models import Channel, Service
from townhall.eforms.definition import CHECK_ANSWERS
from townhall.eforms.engine import OUTCOME_REACHED, FormFlow, Page
from townhall.eforms.fields import AnswersSoFar, FieldResult, answer_display, slot_choices
from townhall.eforms.lookups import paragraphs_fill, text_fill
from townhall.eforms.models import FormSession, UploadedFile
from townhall.eforms.selectors import outcome_values_sign
from townhall.eforms.services import (
    PREFILL_KEY,
    AnswerNoLongerValid,
    JourneyEndsOnOutcome,
    form_file_remove,
    form_flow,
    form_outcome_reach,
    form_page_submit,
    form_session_save_for_later,
    form_session_start,
    submission_fee,
    submission_submit,
)
from townhall.places import selectors as places

# The buttons a form page may post besides "continue" (see templates/eforms/fields/).
ACTION_CONTINUE = "continue"
ACTION_SAVE = "save"
# These show the page again with their results (addresses found, a file stored).
ACTIONS_STAY = ("find", "upload")
ACTION_REMOVE_FILE = "remove-file:"


@dataclass(frozen=True)
class JourneyDoor:
    """What a front door tells the journey: its URLs, and whether its people may save a form
    for later (a resident with an account may; an agent on the phone finishes the call)."""

    page_url: Callable[[FormSession, str], str]
    check_url: Callable[[FormSession], str]
    done_url: Callable[[FormSession], str]
    # The back link of the first page (the service's start page, the agent's raise page).
    start_url: Callable[[FormSession], str]
    # Where a resident goes once their answers are saved; None: this door cannot save.
    saved_url: Callable[[FormSession], str] | None = None
    # The page of an outcome the answers ended on (the session is gone by then: only its
    # service is read); None: the start page.
    outcome_url: Callable[[FormSession, str], str] | None = None


@dataclass
class JourneyStep:
    """What the door does next: follow `redirect`, or render `context` with its template.
    `saved` says the answers were just saved for later, `notice` something else the door
    tells the person on the page it goes to."""

    redirect: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    saved: bool = False
    notice: str = ""

    @property
    def has_errors(self) -> bool:
        return bool(self.context.get("errors"))


def journey_session(session_id: Any, slug: str) -> FormSession | None:
    """The form session of this service, with what every page needs; None when there is none.
    Who may use it is the door's question."""
    return (
        # Its submission too (None until sent): every page asks whether it was sent.
        FormSession.objects.select_related("form_version", "service", "user", "submission")
        .filter(pk=session_id, service__slug=slug)
        .first()
    )


def journey_start(
    *,
    service: Service,
    door: JourneyDoor,
    user: User | None = None,
    channel: str = Channel.WEB,
    raised_by: User | None = None,
    prefill: dict[str, str] | None = None,
) -> tuple[FormSession, str]:
    """Start the service's form (raises FormUnavailable when it has no published version) and
    return the new session with the URL of its first page. `prefill`: answers suggested on
    the pages (see `form_session_start`)."""
    if service.kind == Service.Kind.ELIGIBILITY:
        user = None  # its answers are nobody's: an eligibility checker keeps nothing personal
    session = form_session_start(
        service=service, user=user, channel=channel, raised_by=raised_by, prefill=prefill
    )
    flow = form_flow(session)
    return session, door.page_url(session, flow.first_page_id(session.answers))


def journey_page(
    *,
    session: FormSession,
    page_id: str,
    door: JourneyDoor,
    method: str,
    data: Mapping[str, Any],
    files: Any = None,
    change: bool = False,
) -> JourneyStep:
    """Show one page of the form (GET) or take its answers (POST). `change` is set when the
    person came from the check-answers page: once the form is complete they go back there."""
    if hasattr(session, "submission"):
        return JourneyStep(redirect=door.done_url(session))
    flow = form_flow(session)
    page = flow.page(page_id)
    if page is None:
        raise Http404
    # People may only reach pages on their route (no skipping ahead by URL).
    if page_id not in [p.id for p in flow.route(session.answers)]:
        return JourneyStep(
            redirect=door.page_url(session, flow.next_unanswered_page_id(session.answers))
        )
    results: dict[str, FieldResult] | None = None
    errors: dict[str, str] = {}
    if method == "POST":
        action = data.get("action", ACTION_CONTINUE)
        if action.startswith(ACTION_REMOVE_FILE):
            field_name, _, file_id = action.removeprefix(ACTION_REMOVE_FILE).partition(":")
            if file_id.isdigit():
                form_file_remove(session=session, field_name=field_name, file_id=int(file_id))
            return JourneyStep(redirect=door.page_url(session, page_id))
        try:
            outcome = form_page_submit(session=session, page_id=page_id, data=data, files=files)
        except ValidationError as error:
            raise Http404 from error
        if action == ACTION_SAVE and door.saved_url is not None and session.user_id:
            form_session_save_for_later(session=session)
            return JourneyStep(redirect=door.saved_url(session), saved=True)
        if outcome.ok and action not in ACTIONS_STAY:
            target = outcome.next_page_id
            if target == OUTCOME_REACHED:
                return _outcome_step(session, door)
            if change and flow.is_complete(session.answers):
                target = CHECK_ANSWERS
            if target == CHECK_ANSWERS:
                return JourneyStep(redirect=door.check_url(session))
            return JourneyStep(redirect=door.page_url(session, target))
        # "Find address" or "Upload" pressed, or answers refused: the page again, with them.
        results, errors = outcome.results, outcome.errors
    values = flow.lookup_values(session.answers)
    if values:
        # Texts may show what a lookup found on an earlier page ("{collection_day}").
        page = replace(
            page,
            title=text_fill(page.title, values),
            intro=paragraphs_fill(page.intro, values),
            fields=[
                {
                    **f,
                    "label": text_fill(f["label"], values),
                    **({"hint": text_fill(f["hint"], values)} if f.get("hint") else {}),
                }
                for f in page.fields
            ],
        )
    fields = page_fields_context(page, session, results)
    # An answer given earlier that no longer stands (a date since fully booked) says so.
    errors = errors or {f["field"]["name"]: f["error"] for f in fields if f["error"]}
    return JourneyStep(
        context={
            "service": session.service,
            "session": session,
            "page": page,
            "fields": fields,
            "errors": errors,
            "form_has_errors": bool(errors),
            "back_url": _back_url(door, session, flow, page_id),
            "can_save": _can_save(door, session),
        }
    )


def _can_save(door: JourneyDoor, session: FormSession) -> bool:
    return door.saved_url is not None and session.user_id is not None


def _outcome_step(session: FormSession, door: JourneyDoor) -> JourneyStep:
    """The answers end the journey on an outcome: counted, the session deleted with its
    answers (form_outcome_reach), and on to the outcome's page."""
    try:
        reached = form_outcome_reach(session=session)
    except ValidationError as error:
        raise Http404 from error
    if door.outcome_url is None:
        return JourneyStep(redirect=door.start_url(session))
    url = door.outcome_url(session, reached["id"])
    if reached.get("values"):
        # The journey's answers are deleted: what its lookups found (a date, a crew's note)
        # travels to the outcome page signed, so nobody can make the council say otherwise.
        url += "?" + urlencode({"values": outcome_values_sign(reached["values"])})
    return JourneyStep(redirect=url)


def _back_url(door: JourneyDoor, session: FormSession, flow: FormFlow, page_id: str) -> str:
    route_ids = [p.id for p in flow.route(session.answers)]
    index = route_ids.index(page_id) if page_id in route_ids else 0
    if index == 0:
        return door.start_url(session)
    return door.page_url(session, route_ids[index - 1])


def journey_check(*, session: FormSession, door: JourneyDoor, method: str) -> JourneyStep:
    """The check-answers page (GET), or send the form (POST). Sending twice gives the same
    case (submission_submit is idempotent); an incomplete form goes back to its next page.
    An eligibility checker has no such page: it ends on an outcome and never sends."""
    if session.service.kind == Service.Kind.ELIGIBILITY:
        raise Http404
    flow = form_flow(session)
    if method == "POST":
        try:
            submission_submit(session=session)
        except JourneyEndsOnOutcome as ends:
            # Checked again as it was sent: it ends on an outcome now, and says why.
            step = _outcome_step(session, door)
            step.notice = str(ends.message)
            return step
        except AnswerNoLongerValid as refused:
            # Its page shows the answer again with why it no longer stands.
            return JourneyStep(redirect=door.page_url(session, refused.page_id))
        except ValidationError:
            return JourneyStep(
                redirect=door.page_url(session, flow.next_unanswered_page_id(session.answers))
            )
        return JourneyStep(redirect=door.done_url(session))
    if hasattr(session, "submission"):
        return JourneyStep(redirect=door.done_url(session))
    if not flow.is_complete(session.answers):
        return JourneyStep(
            redirect=door.page_url(session, flow.next_unanswered_page_id(session.answers))
        )
    route = flow.route(session.answers)
    return JourneyStep(
        context={
            "service": session.service,
            "session": session,
            "rows": check_answers_rows(flow, session),
            "fee": check_answers_fee(flow, session),
            # The designer's own heading and words for the page, when the form has them.
            "wording": flow.definition.get("check_answers", {}),
            "back_url": door.page_url(session, route[-1].id),
        }
    )


def check_answers_fee(flow: FormFlow, session: FormSession) -> dict[str, Any] | None:
    """The fee to pay, worked out again from the current answers on the route: its lines
    (label in the page's language, pence, and whether it is a discount) and total; the
    service's flat fee without lines when it has no rules; None when it charges nothing.
    Sending the form works it out once more and keeps that (`submission_submit`)."""
    service = session.service
    answers = flow.answers_on_route(session.answers)
    quote = submission_fee(service, session.form_version.definition, answers)
    if quote is None:
        return {"lines": [], "total_pence": service.fee_pence} if service.fee_pence else None
    language = translation.get_language() or "en"
    lines = [
        {
            "label": line.label_in(language),
            "pence": abs(line.pence),
            "is_discount": line.pence < 0,
        }
        for line in quote.lines
    ]
    return {"lines": lines, "total_pence": quote.total_pence}


def journey_case(*, session: FormSession, door: JourneyDoor) -> Case | JourneyStep:
    """The case the sent form opened (finishing a stored submission whose case could not be
    opened: idempotent), or a step back to the check-answers page when it was never sent."""
    if not hasattr(session, "submission"):
        return JourneyStep(redirect=door.check_url(session))
    return submission_submit(session=session)


def _prefill(field: dict, session: FormSession) -> dict:
    suggested = (session.answers.get(PREFILL_KEY) or {}).get(field["name"])
    if suggested and field["type"] not in ("file", "checkboxes", "date", "location"):
        return {"uprn": suggested} if field["type"] == "address" else {"value": suggested}
    owner = session.user
    if owner is None or not field.get("prefill"):
        return {}
    key = field["prefill"]
    if key == "address" and owner.uprn:
        return {"uprn": owner.uprn}
    value = {"full_name": owner.full_name, "email": owner.email, "phone": owner.phone}.get(key, "")
    return {"value": value} if value else {}


def _raw_from_answer(field: dict, value: Any) -> dict:
    kind = field["type"]
    if value is None:
        return {}
    if kind == "checkboxes":
        return {"values": value}
    if kind == "date":
        year, month, day = value.split("-")
        return {"day": str(int(day)), "month": str(int(month)), "year": year}
    if kind == "address":
        return {"uprn": value.get("uprn", ""), "query": value.get("postcode", "")}
    if kind == "location":
        return {
            "lat": value.get("lat"),
            "lon": value.get("lon"),
            "query": "",
            "text": value.get("text", ""),
        }
    if kind == "declaration":
        return {"value": "yes"}
    if kind == "slot":
        return {"value": str(value.get("slot", ""))}
    return {"value": value}


def page_fields_context(
    page: Page, session: FormSession, results: dict[str, FieldResult] | None = None
) -> list[dict]:
    """Everything a field template needs: definition, current raw value, error, choices."""
    results = results or {}
    fields = []
    for field_ in page.fields:
        name = field_["name"]
        result = results.get(name)
        if result is not None:
            raw, error, choices = result.raw, result.error, result.choices
        else:
            raw = _raw_from_answer(field_, session.answers.get(name)) or _prefill(field_, session)
            error, choices = "", []
        context = {
            "field": field_,
            "id": f"f-{name}",
            "raw": raw,
            "error": error,
            "choices": choices,
            "is_heading": page.heading_field is field_,
        }
        if field_["type"] == "file":
            ids = session.answers.get(name) or []
            context["files"] = list(UploadedFile.objects.filter(form_session=session, pk__in=ids))
        if field_["type"] == "address" and raw.get("uprn") and not choices:
            address = places.address_by_uprn(raw["uprn"])
            if address is not None:
                context["choices"] = [{"value": address.uprn, "label": address.single_line}]
        if field_["type"] == "slot":
            context.update(_slot_context(field_, session, raw, result))
        if field_["type"] == "location" and not raw.get("lat"):
            # Offer the position a photo was taken at, read from its EXIF before stripping.
            photo = (
                UploadedFile.objects.filter(form_session=session, gps_lat__isnull=False)
                .order_by("uploaded_at")
                .first()
            )
            if (
                photo is not None
                and photo.gps_lat is not None
                and photo.gps_lon is not None
                and places.is_within_council_area(photo.gps_lat, photo.gps_lon)
            ):
                context["suggested"] = {"lat": photo.gps_lat, "lon": photo.gps_lon}
        fields.append(context)
    return fields


def _slot_context(
    field: dict, session: FormSession, raw: dict, result: FieldResult | None
) -> dict[str, Any]:
    """The dates a slot question offers; a date chosen earlier and fully booked since says
    so."""
    if result is not None:
        return {"area": bool(result.choices)}
    known = AnswersSoFar(session.service_id, session.answers, form_flow(session).fields)
    area, choices = slot_choices(field, known)
    context: dict[str, Any] = {"area": area, "choices": choices}
    chosen = next((c for c in choices if c["value"] == raw.get("value")), None)
    if chosen is not None and chosen["disabled"]:
        context["error"] = gettext("%(day)s is now fully booked. Choose another date") % {
            "day": chosen["label"]
        }
    return context


def check_answers_rows(flow: FormFlow, session: FormSession) -> list[dict]:
    """One row per answer on the route taken, with the page to change it on."""
    rows = []
    values = flow.lookup_values(session.answers)
    for page in flow.route(session.answers):
        for field_ in page.fields:
            rows.append(
                {
                    "label": text_fill(field_["label"], values),
                    "value": answer_display(field_, session.answers.get(field_["name"])),
                    "page_id": page.id,
                    "field_id": f"f-{field_['name']}",
                }
            )
    return rows
