"""The contact centre: find the caller, see everything about them on one page, log the call,
and raise a request on their behalf with the very forms residents use (the eforms engine and
the portal's journey helpers; nothing here knows any form's questions).

Every page showing a person or a case writes an audit record. Which people and cases a
member of staff may see is decided in search.py; anything else is reported as not found.
"""

import contextlib
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from townhall.accounts.models import User
from townhall.accounts.permissions import can_see_people
from townhall.cases import selectors as case_selectors
from townhall.catalogue.models import Service
from townhall.core.audit import audit_record
from townhall.desk.access import StaffRequest, staff_required
from townhall.desk.contact.models import ContactLog
from townhall.desk.contact.payments import card_payment_starter
from townhall.desk.contact.search import (
    callers_search,
    cases_for_contact_centre,
    people_visible_to,
)
from townhall.desk.contact.services import contact_log_record
from townhall.eforms import selectors as eforms_selectors
from townhall.eforms.journey import (
    JourneyDoor,
    JourneyStep,
    journey_case,
    journey_check,
    journey_page,
    journey_session,
    journey_start,
)
from townhall.eforms.models import FormSession
from townhall.eforms.services import FormUnavailable
from townhall.integrations.govuk_pay.client import PayError
from townhall.payments.models import FeeDue, Payment
from townhall.payments.services import PaymentRefused, fee_due_record, payment_refresh
from townhall.records import selectors as records_selectors

RAISE_CHANNELS = [ContactLog.ContactChannel.PHONE, ContactLog.ContactChannel.FACE_TO_FACE]
PEOPLE_CASES_LIMIT = 50


def _audit_person(request: StaffRequest, person: User, why: str) -> None:
    audit_record(
        action="view",
        object_type="person",
        object_id=person.pk,
        actor=request.user,
        subject_user_id=person.pk,
        reason=why,
        request=request,
    )


def _person_for(request: StaffRequest, person_id: int) -> User:
    return get_object_or_404(people_visible_to(request.user), pk=person_id)


@staff_required
@require_GET
def search(request: StaffRequest) -> HttpResponse:
    """Find a caller by name, postcode, address, email, phone or a case reference."""
    query = request.GET.get("q", "").strip()
    results = callers_search(user=request.user, query=query) if query else None
    if results is not None:
        # A search shows names and contact details: recorded, with what was asked, and once
        # for each person listed so an auditor finds it under that person. One transaction.
        with transaction.atomic():
            audit_record(
                action="view",
                object_type="caller_search",
                object_id=results.kind,
                actor=request.user,
                request=request,
                detail={
                    "query": results.query,
                    "people": [p.pk for p in results.people],
                    "cases": [c.reference for c in results.cases],
                },
            )
            for person in results.people:
                audit_record(
                    action="view",
                    object_type="person",
                    object_id=person.pk,
                    actor=request.user,
                    subject_user_id=person.pk,
                    reason="listed in a caller search",
                    request=request,
                )
    request.personal_data = True
    return render(
        request,
        "desk/contact/search.html",
        {"query": query[:100], "results": results},
    )


@staff_required
@require_GET
def person_detail(request: StaffRequest, person_id: int) -> HttpResponse:
    """The single view of a caller: details, account, every case staff may see, contacts."""
    person = _person_for(request, person_id)
    _audit_person(request, person, "single view")
    cases = (
        cases_for_contact_centre(request.user)
        .filter(resident=person)
        .select_related("service", "department")
        .order_by("-created_at", "-pk")
    )
    contacts = (
        ContactLog.objects.filter(person=person)
        .select_related("agent", "case")
        .order_by("-at", "-pk")[:PEOPLE_CASES_LIMIT]
    )
    request.personal_data = True
    return render(
        request,
        "desk/contact/person.html",
        {
            "person": person,
            "cases": list(cases[:PEOPLE_CASES_LIMIT]),
            "contacts": contacts,
            "forms": FormSession.objects.filter(
                user=person, saved_for_later=True, submission__isnull=True
            ).select_related("service"),
            # The same resident in the council's other systems, for the roles the golden
            # record allows (its page audits the read).
            "golden_person": records_selectors.person_for_account(person.pk)
            if can_see_people(request.user)
            else None,
        },
    )


@staff_required
@require_GET
def case_summary(request: StaffRequest, reference: str) -> HttpResponse:
    """What an agent may tell a caller about a case: its summary and public timeline (never
    internal notes). Officers use the full case page of their departments."""
    case = (
        cases_for_contact_centre(request.user)
        .select_related("service", "department", "submission__form_version")
        .filter(reference=reference.upper()[:20])
        .first()
    )
    if case is None:
        raise Http404
    audit_record(
        action="view",
        object_type="case",
        object_id=case.reference,
        actor=request.user,
        subject_user_id=case.resident_id,
        reason="contact centre summary",
        request=request,
    )
    request.personal_data = True
    return render(
        request,
        "desk/contact/case.html",
        {
            "case": case,
            "events": case_selectors.public_timeline(case),
            # Restricted services (SAR, complaints about staff) keep their notes from agents.
            "internal_notes": []
            if case.service.is_sensitive
            else case_selectors.internal_notes(case),
            "answers": []
            if case.service.is_sensitive
            else eforms_selectors.answers_for_display(case),
            "fee_due": FeeDue.objects.filter(case=case).first(),
        },
    )


def _log_form_values(request: StaffRequest) -> dict[str, str]:
    names = ["channel", "reason", "outcome", "avoidable", "avoidable_reason", "notes"]
    return {name: request.POST.get(name, "") for name in [*names, "caller_name", "key"]}


@staff_required
@require_http_methods(["GET", "POST"])
def contact_log(request: StaffRequest, person_id: int | None = None) -> HttpResponse:
    """Log a call or visit, with its reason and outcome; "avoidable" ones with why."""
    person = _person_for(request, person_id) if person_id is not None else None
    errors: dict[str, str] = {}
    values: dict[str, str] = {"key": uuid.uuid4().hex, "channel": "phone"}
    if request.method == "POST":
        values = _log_form_values(request)
        avoidable = values["avoidable"] == "yes"
        if values["avoidable"] not in ("yes", "no"):
            errors["avoidable"] = _("Select yes if the caller did not need to contact us")
        elif avoidable and not values["avoidable_reason"]:
            errors["avoidable_reason"] = _("Select why the contact was avoidable")
        if not errors:
            try:
                contact_log_record(
                    agent=request.user,
                    person=person,
                    caller_name=values["caller_name"],
                    channel=values["channel"],
                    reason=values["reason"],
                    outcome=values["outcome"],
                    avoidable_reason=values["avoidable_reason"] if avoidable else "",
                    notes=values["notes"],
                    idempotency_key=values["key"],
                )
            except ValidationError as error:
                errors = {name: messages_[0] for name, messages_ in error.message_dict.items()}
        if not errors:
            messages.success(request, _("The contact has been logged."))
            if person is not None:
                return redirect("desk:contact:person", person.pk)
            return redirect("desk:contact:search")
    if person is not None:
        _audit_person(request, person, "log a contact")
    request.personal_data = True
    return render(
        request,
        "desk/contact/log.html",
        {
            "person": person,
            "errors": errors,
            "form_has_errors": bool(errors),
            "values": values,
            "channels": ContactLog.ContactChannel.choices,
            "reasons": ContactLog.Reason.choices,
            "outcomes": ContactLog.Outcome.choices,
            "avoidable_reasons": ContactLog.AvoidableReason.choices,
        },
        status=400 if errors else 200,
    )


def _raisable_services():
    # Agents raise what residents can ask for, plus staff-only services of the catalogue
    # (internal ones), and walk eligibility checkers with callers; an information service
    # has no form (its advice is in the service finder).
    return Service.objects.filter(
        is_published=True,
        form__isnull=False,
        kind__in=[Service.Kind.REQUEST, Service.Kind.INTERNAL, Service.Kind.ELIGIBILITY],
    ).order_by("name")


@staff_required
@require_http_methods(["GET", "POST"])
def raise_start(request: StaffRequest, person_id: int | None = None) -> HttpResponse:
    """Choose the service and how the caller got in touch, then start its form."""
    person = _person_for(request, person_id) if person_id is not None else None
    services = _raisable_services()
    errors: dict[str, str] = {}
    values = {
        # The service finder links here with its service chosen.
        "service": request.POST.get("service", request.GET.get("service", "")),
        "channel": request.POST.get("channel", ""),
    }
    if request.method == "POST":
        service = services.filter(slug=values["service"][:50]).first()
        if service is None:
            errors["service"] = _("Select the service the caller needs")
        if values["channel"] not in RAISE_CHANNELS:
            errors["channel"] = _("Select how the caller got in touch")
        if not errors and service is not None:
            try:
                _session, first_page_url = journey_start(
                    service=service,
                    door=CONTACT_DOOR,
                    user=person,
                    channel=values["channel"],
                    raised_by=request.user,
                )
            except FormUnavailable:
                errors["service"] = _("%(service)s has no published form yet") % {
                    "service": service.name
                }
            else:
                return redirect(first_page_url)
    if person is not None:
        _audit_person(request, person, "raise a request")
    request.personal_data = True
    return render(
        request,
        "desk/contact/raise.html",
        {
            "person": person,
            "services": services,
            "channels": [(c.value, c.label) for c in RAISE_CHANNELS],
            "errors": errors,
            "form_has_errors": bool(errors),
            "values": values,
        },
        status=400 if errors else 200,
    )


def _agent_session(request: StaffRequest, slug: str, session_id) -> FormSession:
    """The form session if this agent started it; anyone else's is not found."""
    session = journey_session(session_id, slug)
    if session is None or session.raised_by_id != request.user.pk:
        raise Http404
    return session


def _raise_url(session: FormSession) -> str:
    if session.user_id:
        return reverse("desk:contact:raise_for", args=[session.user_id])
    return reverse("desk:contact:raise")


# The contact centre's URLs for the form journey; an agent finishes the call, never saves.
CONTACT_DOOR = JourneyDoor(
    page_url=lambda s, page_id: reverse(
        "desk:contact:form_page", args=[s.service.slug, s.pk, page_id]
    ),
    check_url=lambda s: reverse("desk:contact:form_check", args=[s.service.slug, s.pk]),
    done_url=lambda s: reverse("desk:contact:form_done", args=[s.service.slug, s.pk]),
    start_url=_raise_url,
    outcome_url=lambda s, outcome_id: reverse(
        "desk:contact:form_outcome", args=[s.service.slug, outcome_id]
    ),
)


@staff_required
@require_http_methods(["GET", "POST"])
def form_page(request: StaffRequest, slug: str, session_id, page_id: str) -> HttpResponse:
    """One page of the service's own form, filled by the agent for the caller."""
    session = _agent_session(request, slug, session_id)
    step = journey_page(
        session=session,
        page_id=page_id,
        door=CONTACT_DOOR,
        method=request.method or "GET",
        data=request.POST,
        files=request.FILES,
        change=bool(request.GET.get("change")),
    )
    if step.redirect:
        return redirect(step.redirect)
    request.personal_data = True
    return render(
        request, "eforms/page.html", {**step.context, "base_template": "desk/layout.html"}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def form_check(request: StaffRequest, slug: str, session_id) -> HttpResponse:
    session = _agent_session(request, slug, session_id)
    step = journey_check(session=session, door=CONTACT_DOOR, method=request.method or "GET")
    if step.notice:
        messages.info(request, step.notice)
    if step.redirect:
        return redirect(step.redirect)
    request.personal_data = True
    return render(
        request,
        "eforms/check_answers.html",
        {
            **step.context,
            "base_template": "desk/layout.html",
            "url_page": "desk:contact:form_page",
        },
    )


@staff_required
@require_GET
def form_done(request: StaffRequest, slug: str, session_id) -> HttpResponse:
    """The request is raised: its reference, the call logged against the caller, any fee."""
    session = _agent_session(request, slug, session_id)
    case = journey_case(session=session, door=CONTACT_DOOR)  # finishes a half-opened case too
    if isinstance(case, JourneyStep):
        return redirect(case.redirect)
    # The form session's id is the contact's key: reloading this page logs one contact.
    contact_log_record(
        agent=request.user,
        person=session.user,
        caller_name=case.contact_name or "Caller who gave no name",
        channel=session.channel,
        reason=ContactLog.Reason.NEW_REQUEST,
        outcome=ContactLog.Outcome.REQUEST_RAISED,
        case=case,
        idempotency_key=session.pk,
    )
    fee_due = fee_due_record(case=case, agent=request.user)
    request.personal_data = True
    return render(
        request,
        "desk/contact/done.html",
        {
            "case": case,
            "person": session.user,
            "fee_due": fee_due,
            "card_payments": card_payment_starter() is not None,
        },
    )


@staff_required
@require_POST
def fee_pay(request: StaffRequest, reference: str) -> HttpResponse:
    """Take the fee by card over the phone through the payments interface, when one is
    registered (contact.payments); otherwise say so and leave the fee recorded as due."""
    case = cases_for_contact_centre(request.user).filter(reference=reference[:20]).first()
    fee_due = FeeDue.objects.filter(case=case).first() if case is not None else None
    if case is None or fee_due is None:
        raise Http404
    if fee_due.status == FeeDue.Status.PAID:
        messages.success(
            request,
            _("The fee for %(reference)s has already been paid.") % {"reference": case.reference},
        )
        return redirect("desk:contact:case", case.reference)
    starter = card_payment_starter()
    if starter is None:
        messages.error(
            request,
            _(
                "Card payments by phone are not available yet. The fee is recorded as due on "
                "%(reference)s; the caller can pay it later."
            )
            % {"reference": case.reference},
        )
        return redirect("desk:contact:case", case.reference)
    try:
        return redirect(starter(fee_due, request.user))
    except PaymentRefused as refused:
        messages.error(request, str(refused))
        return redirect("desk:contact:case", case.reference)


@staff_required
@require_GET
def pay_return(request: StaffRequest, token: str) -> HttpResponse:
    """The agent comes back from Pay's card page: ask Pay how it went (the way back carries
    no outcome) and say so on the caller's request."""
    payment = get_object_or_404(Payment.objects.select_related("case"), return_token=token)
    case = cases_for_contact_centre(request.user).filter(pk=payment.case_id).first()
    if case is None:
        raise Http404
    with contextlib.suppress(PayError, PaymentRefused):
        payment = payment_refresh(payment)
    if payment.status == Payment.Status.SUCCESS:
        messages.success(
            request,
            _("Payment taken: %(reference)s. The fee is paid.") % {"reference": payment.reference},
        )
    elif payment.is_finished:
        messages.error(
            request,
            _("The payment was not taken (%(why)s). The fee is still due: you can try again.")
            % {"why": payment.message or payment.status},
        )
    else:
        messages.info(request, _("GOV.UK Pay has not confirmed the payment yet. Check again soon."))
    return redirect("desk:contact:case", case.reference)
