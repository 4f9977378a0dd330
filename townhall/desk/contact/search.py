"""Finding a caller and their cases by name, postcode, address, email, phone or reference.

On PostgreSQL names and addresses are matched with pg_trgm (substring ILIKE, and for people
the trigram `%` operator, so "Jon Smyth" still finds "John Smith") and case summaries with
English full-text search ("bins" finds "bin"), each served by a GIN index (migration 0002). SQLite, the demo's default, has neither: there
the same questions are asked with LIKE, which is enough for a demo-sized council.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVector, TrigramSimilarity
from django.db import connection
from django.db.models import Exists, F, Func, Lookup, OuterRef, Q, QuerySet, Value
from django.db.models.fields import CharField

from townhall.accounts.models import User
from townhall.accounts.permissions import can_see_every_case_summary, can_use_staff_desk
from townhall.cases.models import Case
from townhall.cases.permissions import cases_visible_to
from townhall.places.models import Address

QUERY_MAX_LENGTH = 100
RESULTS_LIMIT = 20

REFERENCE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,3}-\d{4}-\d{1,8}$")
POSTCODE_RE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
PHONE_RE = re.compile(r"^\+?[\d\s()-]{6,20}$")
# Case text is matched in English (stemmed: "bins" finds "bin"), names by trigram.
FTS_CONFIG = "english"
# The newest full-text matches are chosen among this many (see _case_ids_postgres).
FTS_CANDIDATES = 2000


class Kind:
    REFERENCE = "reference"
    EMAIL = "email"
    POSTCODE = "postcode"
    PHONE = "phone"
    TEXT = "text"


@dataclass
class SearchResults:
    query: str
    kind: str
    people: list[User] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


class ILike(Lookup):
    """Case-insensitive substring match that PostgreSQL can answer from a trigram GIN index
    (Django's icontains wraps the column in UPPER(), which no such index serves)."""

    lookup_name = "th_ilike"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]
        # SQLite's LIKE ignores the case of ASCII letters and has no default escape.
        return f"{lhs} LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]


class TrigramSimilar(Lookup):
    """pg_trgm's `%` operator: similar enough (above pg_trgm.similarity_threshold)."""

    lookup_name = "th_trigram_similar"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %% {rhs}", [*lhs_params, *rhs_params]


class Digits(Func):
    """Only the digits of a phone number, so "01233 330 000" matches "01233330000"."""

    function = "REGEXP_REPLACE"
    template = "REGEXP_REPLACE(%(expressions)s, '[^0-9]', '', 'g')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        # Characters people type in phone numbers; SQLite has no regular expressions.
        template = "REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(%(expressions)s, ' ', ''), '-', ''), '(', ''), ')', ''), '+', '')"
        return super().as_sql(compiler, connection, template=template, **extra)


def _contains(column: str, text: str) -> Q:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Q(ILike(F(column), Value(f"%{escaped}%", output_field=CharField())))


def _similar(column: str, text: str) -> Q:
    return Q(TrigramSimilar(F(column), Value(text, output_field=CharField())))


def query_classify(query: str) -> tuple[str, str]:
    """What the agent typed, and the form it is searched in (a reference in capitals, a
    postcode as "TN23 1AA", a phone number as digits)."""
    upper = query.upper()
    if REFERENCE_RE.match(upper):
        return Kind.REFERENCE, upper
    if "@" in query:
        return Kind.EMAIL, query.lower()
    if match := POSTCODE_RE.match(upper):
        return Kind.POSTCODE, f"{match.group(1)} {match.group(2)}"
    if PHONE_RE.match(query) and sum(c.isdigit() for c in query) >= 6:
        return Kind.PHONE, re.sub(r"\D", "", query)
    return Kind.TEXT, " ".join(query.split())


def cases_for_contact_centre(user: User) -> QuerySet[Case]:
    """Cases whose summary this member of staff may see in the contact centre."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    if can_see_every_case_summary(user):
        return Case.objects.all()
    return cases_visible_to(user)


def people_visible_to(user: User) -> QuerySet[User]:
    """Residents whose details this member of staff may see: every resident for agents and
    administrators; for officers, only people with a case in one of their departments."""
    residents = User.objects.filter(role=User.Role.RESIDENT, is_active=True)
    if not can_use_staff_desk(user):  # signed out, switched off, or a resident
        return User.objects.none()
    if can_see_every_case_summary(user):
        return residents
    visible = cases_visible_to(user).filter(resident=OuterRef("pk"))
    return residents.filter(Exists(visible))


def _people(user: User, kind: str, text: str) -> QuerySet[User]:
    people = people_visible_to(user)
    if kind == Kind.REFERENCE:
        holders = cases_for_contact_centre(user).filter(reference=text).values("resident_id")
        return people.filter(pk__in=holders)
    if kind == Kind.EMAIL:
        return people.filter(email=text)
    if kind == Kind.POSTCODE:
        return people.filter(postcode__in={text, text.replace(" ", "")})
    if kind == Kind.PHONE:
        return people.annotate(phone_digits=Digits("phone")).filter(
            _contains("phone_digits", text[-10:])
        )
    match = _contains("full_name", text) | _contains("address_line", text)
    exact = people.filter(match).order_by("full_name", "pk")
    if not _is_postgres() or exact.exists():
        return exact
    # Nothing has the words as typed: a misheard or misspelt name, the closest first.
    # (Only now: ranking every similar name costs more than finding the exact ones.)
    return people.filter(_similar("full_name", text)).order_by(
        -TrigramSimilarity("full_name", text), "full_name", "pk"
    )


def _cases(user: User, kind: str, text: str) -> QuerySet[Case]:
    cases = cases_for_contact_centre(user)
    if kind == Kind.REFERENCE:
        return cases.filter(reference=text)
    if kind == Kind.EMAIL:
        return cases.filter(contact_email=text)
    if kind == Kind.POSTCODE:
        uprns = Address.objects.filter(postcode=text).values("uprn")
        return cases.filter(Q(uprn__in=uprns) | _contains("location_text", text))
    if kind == Kind.PHONE:
        return cases.annotate(phone_digits=Digits("contact_phone")).filter(
            _contains("phone_digits", text[-10:])
        )
    match = _contains("contact_name", text) | _contains("location_text", text)
    return cases.filter(match | _contains("summary", text))


def _case_ids_postgres(user: User, text: str, limit: int) -> list[int]:
    """Free text on PostgreSQL: the newest matches of each indexed predicate, merged.

    One query OR-ing the predicates and sorted by date lets the planner walk the date index
    backwards hoping for an early match; for a rare name it reads the whole table (over a
    second with a million cases). Asked one at a time, each predicate is answered from its
    own GIN index, and the fuzzy one is ranked by similarity rather than date.
    """
    cases = cases_for_contact_centre(user).order_by()
    newest = ("-created_at", "-pk")
    document = SearchVector("summary", config=FTS_CONFIG)
    # PostgreSQL guesses 0.5% of rows for a word it has no statistics on; for a word that is
    # in no summary it then walks the date index computing every row's vector (seconds).
    # Capping the candidates in a subquery makes it take them from the GIN index first.
    in_summary = (
        cases.annotate(document=document)
        .filter(document=SearchQuery(text, config=FTS_CONFIG))
        .values("pk")[:FTS_CANDIDATES]
    )
    parts = [
        cases.filter(_contains("contact_name", text)).order_by(*newest),
        cases.filter(_contains("location_text", text)).order_by(*newest),
        Case.objects.filter(pk__in=in_summary).order_by(*newest),
    ]
    found: dict[int, None] = {}
    for part in parts:
        for pk in part.values_list("pk", flat=True)[:limit]:
            found.setdefault(pk)
    return list(found)


def callers_search(*, user: User, query: str, limit: int = RESULTS_LIMIT) -> SearchResults:
    """People and cases matching what a caller told the agent, that `user` may see."""
    query = query.strip()[:QUERY_MAX_LENGTH]
    kind, text = query_classify(query)
    results = SearchResults(query=query, kind=kind)
    if len(text) < 2:
        return results
    results.people = list(_people(user, kind, text)[:limit])
    if kind == Kind.TEXT and _is_postgres():
        ids = _case_ids_postgres(user, text, limit)
        cases = Case.objects.filter(pk__in=ids)
    else:
        cases = _cases(user, kind, text)
    cases = cases.select_related("service", "department")
    results.cases = list(cases.order_by("-created_at", "-pk")[:limit])
    return results
