"""Reads of submissions and form sessions that more than one place needs: the backlog of
forms whose case did not open, My Account's lists (a resident's requests and saved forms), and
a case's submitted answers. The last two read cases too: eforms sits above cases."""

import uuid
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from townhall.accounts.models import User
from townhall.cases.models import Case
from townhall.catalogue.models import Service
from townhall.core.tasks import Backlog
from townhall.eforms.engine import FormFlow
from townhall.eforms.fields import answer_display
from townhall.eforms.models import FormSession, Submission


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
        f"s.name AS service_name, s.slug AS service_slug "
        f"FROM {_CASE.db_table} c JOIN {_SERVICE.db_table} s ON s.id = c.service_id "
        f"WHERE c.resident_id = %s "
        f"UNION ALL SELECT 'draft', 0, CAST(f.id AS TEXT), NULL, NULL, NULL, f.updated_at, s.name, s.slug "
        f"FROM {FormSession._meta.db_table} f JOIN {_SERVICE.db_table} s ON s.id = f.service_id "
        f"WHERE f.user_id = %s AND f.saved_for_later "
        f"ORDER BY at DESC, tiebreak DESC"
    )
    cases: list[Case] = []
    drafts: list[FormSession] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        for kind, _, pk, reference, summary, status, raw_at, service_name, slug in cursor:
            at = _as_datetime(raw_at)
            if kind == "case":
                case = Case(id=int(pk), reference=reference, summary=summary, status=status)
                case.created_at = at
                case.service_name = service_name  # type: ignore[attr-defined]
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
    """The submitted answers as label/value rows (contact details left out)."""
    submission = case.submission
    if submission is None:
        return []
    flow = FormFlow(submission.form_version.definition, ask_contact=True)
    rows = []
    for name, field in flow.fields.items():
        if name.startswith("contact_") or name not in submission.answers or field["type"] == "file":
            continue
        rows.append(
            {"label": field["label"], "value": answer_display(field, submission.answers[name])}
        )
    return rows
