"""Reads of submissions and form sessions that more than one place needs: the backlog of
forms whose case did not open, My Account's lists (a resident's requests and saved forms), and
a case's submitted answers. The last two read cases too: eforms sits above cases."""

import uuid
from datetime import UTC, date, datetime

from django.core import signing
from django.db import connection
from django.db.models import Count, Min, QuerySet, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.catalogue.models import Service
from townhall.core.languages import Language, language_active
from townhall.core.tasks import Backlog
from townhall.eforms.definition import definition_in_language
from townhall.eforms.engine import FormFlow
from townhall.eforms.fields import answer_display
from townhall.eforms.lookups import paragraphs_fill, text_fill
from townhall.eforms.models import FormSession, FormVersion, OutcomeCount, Submission


def submissions_unopened() -> Backlog:
    """Forms sent (the resident was told so) whose case did not open, and the oldest's time:
    a case that failed to open in the request that stored the submission."""
    found = Submission.objects.filter(case__isnull=True).aggregate(
        count=Count("id"), oldest=Min("submitted_at")
    )
    return Backlog(found["count"], found["oldest"])


# My Account is the busiest signed-in page. Its two lists are fixed, simple reads, so they are
# written as SQL once: building the same query through the ORM on every request cost more
# than running it. Table and column names come from the models, so a rename cannot drift.
_CASE = Case._meta
_SERVICE = Service._meta


def my_account_lists(user: User) -> tuple[list[Case], list]:
    """A resident's requests, newest first, and the forms they saved to finish later, for My
    Account: only the columns shown, with the service's name (and, for drafts, its slug).

    One round trip for both lists: the page is the one residents open most."""
    sql = (
        f"SELECT 'case' AS kind, c.id AS tiebreak, CAST(c.id AS TEXT), c.reference, c.summary, c.status, c.created_at AS at, "  # noqa: S608 (table names from the models' meta; values are bound)
        f"s.name AS service_name, s.name_cy AS service_name_cy, s.slug AS service_slug "
        f"FROM {_CASE.db_table} c JOIN {_SERVICE.db_table} s ON s.id = c.service_id "
        f"WHERE c.resident_id = %s "
        f"UNION ALL SELECT 'draft', 0, CAST(f.id AS TEXT), NULL, NULL, NULL, f.updated_at, s.name, s.name_cy, s.slug "
        f"FROM {FormSession._meta.db_table} f JOIN {_SERVICE.db_table} s ON s.id = f.service_id "
        f"WHERE f.user_id = %s AND f.saved_for_later "
        f"ORDER BY at DESC, tiebreak DESC"
    )
    cases: list[Case] = []
    drafts: list[FormSession] = []
    welsh = language_active() == Language.WELSH  # the rendered lists are kept per language
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        for kind, _, pk, reference, summary, status, raw_at, name, name_cy, slug in cursor:
            at = _as_datetime(raw_at)
            service_name = (name_cy if welsh else "") or name
            if kind == "case":
                case = Case(id=int(pk), reference=reference, summary=summary, status=status)
                case.created_at = at
                case.service_name = service_name  # type: ignore[attr-defined]
                # A case with no summary of its own is summed up by its service's name.
                case.summary_own = summary != name  # type: ignore[attr-defined]
                cases.append(case)
            else:
                draft = FormSession(id=uuid.UUID(pk))
                draft.updated_at = at
                draft.service_name = service_name  # type: ignore[attr-defined]
                draft.service_slug = slug  # type: ignore[attr-defined]
                drafts.append(draft)
    return cases, drafts


def _as_datetime(value: datetime | str) -> datetime:
    """SQLite gives a UNION's datetimes as text or naive UTC; PostgreSQL as aware ones."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None:
        raise ValueError(f"Not a date and time: {value!r}")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def answers_for_display(case: Case) -> list[dict]:
    """The submitted answers as label/value rows (contact details left out), in the page's
    language (the resident's request page in Welsh shows the Welsh labels)."""
    submission = case.submission
    if submission is None:
        return []
    definition = definition_in_language(submission.form_version.definition, language_active())
    flow = FormFlow(definition, ask_contact=True)
    rows = []
    for name, field in flow.fields.items():
        if name.startswith("contact_") or name not in submission.answers or field["type"] == "file":
            continue
        rows.append(
            {"label": field["label"], "value": answer_display(field, submission.answers[name])}
        )
    return rows


def _in_language(item: dict, key: str, language: str):
    """A designer's text in the person's language: its Welsh `_cy` sibling when the page is
    in Welsh and one is written, the English otherwise."""
    if language == "cy" and item.get(f"{key}_cy"):
        return item[f"{key}_cy"]
    return item.get(key)


OUTCOME_VALUES_SALT = "townhall.eforms.outcome-values"
OUTCOME_VALUES_MAX_AGE = 24 * 3600


def outcome_values_sign(values: dict[str, str]) -> str:
    """`values` signed for an outcome page's address (read back by `outcome_values_read`)."""
    return signing.dumps(values, salt=OUTCOME_VALUES_SALT, compress=True)


def outcome_values_read(signed: str) -> dict[str, str]:
    """What a journey's lookups found, carried to its outcome page (signed by
    `outcome_values_sign`: the session is gone by then); {} when absent, altered or old."""
    if not signed:
        return {}
    try:
        values = signing.loads(signed, salt=OUTCOME_VALUES_SALT, max_age=OUTCOME_VALUES_MAX_AGE)
    except signing.BadSignature:
        return {}
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}


def outcome_for_display(
    service: Service, outcome_id: str, language: str, values: dict[str, str] | None = None
) -> dict | None:
    """The outcome `outcome_id` of the service's live form, its texts in `language` with
    `{name}` filled from `values` (what the journey's lookups found); None when the live
    form has no such outcome."""
    values = values or {}
    version = service.form.live_version() if service.form_id and service.form else None
    outcomes = version.definition.get("outcomes", []) if version else []
    outcome = next((o for o in outcomes if o["id"] == outcome_id), None)
    if outcome is None:
        return None
    return {
        "id": outcome["id"],
        "title": text_fill(_in_language(outcome, "title", language), values),
        "panel": outcome.get("panel", False),
        "body": paragraphs_fill(_in_language(outcome, "body", language) or [], values),
        "next_steps": [
            {"text": _in_language(step, "text", language), "href": step["href"]}
            for step in outcome.get("next_steps", [])
        ],
    }


def outcome_counts(services: QuerySet[Service], since: date) -> list[dict]:
    """How many journeys ended on each outcome of `services` since `since` (inclusive),
    with the outcome's title in the service's live form: one row per service and outcome,
    by service name then the most used first."""
    rows = list(
        OutcomeCount.objects.filter(service__in=services, day__gte=since)
        .values("service_id", "service__name", "outcome")
        .annotate(total=Sum("count"))
        .order_by("service__name", "-total", "outcome")
    )
    live = FormVersion.objects.filter(
        status=FormVersion.Status.PUBLISHED,
        form__services__in={row["service_id"] for row in rows},
    ).values_list("form__services", "definition")
    titles = {
        (service_id, outcome["id"]): outcome["title"]
        for service_id, definition in live
        for outcome in definition.get("outcomes", [])
    }
    return [
        {
            "service": row["service__name"],
            "outcome": titles.get((row["service_id"], row["outcome"]), row["outcome"]),
            "count": row["total"],
        }
        for row in rows
    ]
