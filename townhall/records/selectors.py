"""Reads of the golden record: a person's single view, the review queue, forensics and the
data-quality report."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, Q, QuerySet

from townhall.cases.models import Case
from townhall.cases.permissions import cases_visible_to
from townhall.records.cleaning import house_key, postcode_clean
from townhall.records.linkage_model import ModelLevels
from townhall.records.models import Link, LinkageRun, Person, Source, SourceRecord

GOLDEN_FIELDS = (
    ("title", "Title"),
    ("first_name", "First name"),
    ("middle_names", "Middle names"),
    ("surname", "Surname"),
    ("date_of_birth", "Date of birth"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("uprn", "UPRN"),
    ("email", "Email address"),
    ("phone", "Phone number"),
    ("ni_number", "National Insurance number"),
)


@dataclass
class GoldenValue:
    field: str
    label: str
    value: Any
    record: SourceRecord | None
    others: list[tuple[Any, SourceRecord]]  # records that say something else


def _golden_rank(record: SourceRecord) -> tuple:
    # Most trusted source first, then the most recently updated record.
    return (record.source.trust, record.updated_at)


def person_records(person: Person) -> list[SourceRecord]:
    return list(
        person.records.filter(retired_at__isnull=True)
        .select_related("source")
        .order_by("-source__trust", "source__name", "record_id")
    )


def person_golden(records: list[SourceRecord]) -> list[GoldenValue]:
    """Per field, the value of the most trusted, most recent record that holds one, with
    the records that disagree. Address, postcode and UPRN come from one record together
    (they are one fact), so a golden address never mixes two homes."""
    ranked = sorted(records, key=_golden_rank, reverse=True)
    place = next((r for r in ranked if r.postcode or r.uprn or r.address), None)
    values = []
    for field, label in GOLDEN_FIELDS:
        if field in {"address", "postcode", "uprn"}:
            chosen = place if place is not None and getattr(place, field) else None
        else:
            chosen = next((r for r in ranked if getattr(r, field)), None)
        value = getattr(chosen, field) if chosen else None
        others = [
            (getattr(r, field), r)
            for r in ranked
            if getattr(r, field) and r is not chosen and _differs(field, getattr(r, field), value)
        ]
        values.append(GoldenValue(field, label, value, chosen, others))
    return values


def _differs(field: str, a: Any, b: Any) -> bool:
    if field in {"first_name", "surname", "middle_names", "address"}:
        return str(a).lower() != str(b or "").lower()
    return a != b


def person_cases(records: list[SourceRecord]) -> QuerySet:
    """Every case of the person: cases that are records of the person, and the cases of
    the portal accounts that are."""
    references = [r.record_id for r in records if r.source.kind == Source.Kind.CASES]
    accounts = [
        int(r.record_id)
        for r in records
        if r.source.kind == Source.Kind.PORTAL_ACCOUNTS and r.record_id.isdigit()
    ]
    if not references and not accounts:
        return Case.objects.none()
    return (
        Case.objects.filter(Q(reference__in=references) | Q(resident_id__in=accounts))
        .select_related("service", "department")
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class PersonCases:
    """A person's cases as one member of staff may see them."""

    shown: list[Any]  # the cases they may open, newest first
    elsewhere: int  # how many more the person has in departments they do not work in


def person_cases_for_staff(user: Any, records: list[SourceRecord], limit: int = 100) -> PersonCases:
    """The person's cases within `user`'s departments (every case for those who see all
    departments), and a count of the rest: the single view tells an officer that a person
    has other requests without showing what they are about."""
    every = person_cases(records)
    visible = every & cases_visible_to(user)
    return PersonCases(shown=list(visible[:limit]), elsewhere=every.count() - visible.count())


@lru_cache(maxsize=8)
def _levels_of_run(run_id: int) -> ModelLevels:
    run = LinkageRun.objects.only("model").get(pk=run_id)
    return ModelLevels.from_model(run.model)


def link_reasons(link: Link) -> list[dict[str, Any]]:
    """Why the model scored the pair so: each comparison's level and its weight."""
    return _levels_of_run(link.run_id).reasons(link.levels)


def person_links(records: list[SourceRecord]) -> list[Link]:
    ids = [r.pk for r in records]
    return list(
        Link.objects.filter(left_id__in=ids, right_id__in=ids)
        .select_related("left__source", "right__source")
        .order_by("-match_probability")
    )


def review_queue() -> QuerySet:
    return (
        Link.objects.filter(status=Link.Status.REVIEW)
        .select_related("left__source", "right__source")
        .order_by("-match_probability", "pk")
    )


# --- forensics -----------------------------------------------------------------------------


@dataclass
class Finding:
    kind: str
    title: str
    person_id: int | None
    evidence: list[str]
    records: list[SourceRecord]


CLAIM_ROLES: dict[str, str] = {
    Source.Role.BLUE_BADGE: "two blue badges",
    Source.Role.BENEFITS: "two benefit claims",
    Source.Role.COUNCIL_TAX: "two council tax accounts",
    Source.Role.HOUSING: "two housing applications",
}
SPD_KEYS = ("single_person_discount", "spd", "discount")


def _has_spd(record: SourceRecord) -> bool:
    for key, value in record.extra.items():
        if key.lower() in SPD_KEYS and str(value).strip().lower() in {
            "y",
            "yes",
            "true",
            "1",
            "spd",
            "single person",
        }:
            return True
    return False


def _home(record: SourceRecord) -> str:
    if record.uprn:
        return f"uprn:{record.uprn}"
    if record.postcode:
        return f"{record.postcode}:{house_key(record.address)}"
    return ""


def forensics_findings(limit: int = 500) -> list[Finding]:
    """Possible duplicate claims, each with its evidence: one person holding two claims of one
    kind under different spellings, benefits at two addresses, and a council-tax single-person
    discount at an address where the electoral register shows other adults."""
    findings: list[Finding] = []
    claims = SourceRecord.objects.filter(
        retired_at__isnull=True, person__isnull=False, source__role__in=list(CLAIM_ROLES)
    )
    doubled = (
        claims.values("person_id", "source_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("person_id")[:limit]
    )
    for row in doubled:
        records = list(
            claims.filter(person_id=row["person_id"], source_id=row["source_id"]).select_related(
                "source"
            )
        )
        source = records[0].source
        evidence = [
            f"{r.source.name} {r.record_id}: {r.display_name}, born {r.date_of_birth or 'unknown'}, "
            f"{r.address or 'no address'} {r.postcode}".strip()
            for r in records
        ]
        homes = {_home(r) for r in records if _home(r)}
        if source.role == Source.Role.BENEFITS and len(homes) > 1:
            findings.append(
                Finding(
                    "benefits_two_addresses",
                    "Benefits claimed at two addresses",
                    row["person_id"],
                    evidence,
                    records,
                )
            )
        else:
            findings.append(
                Finding(
                    "duplicate_claim",
                    f"One person with {CLAIM_ROLES[source.role]}",
                    row["person_id"],
                    evidence,
                    records,
                )
            )
    spd = [
        r
        for r in SourceRecord.objects.filter(
            retired_at__isnull=True, source__role=Source.Role.COUNCIL_TAX
        ).select_related("source")
        if _has_spd(r)
    ]
    if spd:
        electors: dict[str, list[SourceRecord]] = defaultdict(list)
        for r in SourceRecord.objects.filter(
            retired_at__isnull=True, source__role=Source.Role.ELECTORAL_REGISTER
        ).select_related("source"):
            if _home(r):
                electors[_home(r)].append(r)
        for record in spd[:limit]:
            others = [
                e
                for e in electors.get(_home(record), [])
                if e.person_id is None or e.person_id != record.person_id
            ]
            if others:
                findings.append(Finding(
                    "spd_other_adults",
                    "Single-person discount where the electoral register shows other adults",
                    record.person_id,
                    [f"Council tax {record.record_id}: single-person discount for {record.display_name} at {record.address} {record.postcode}"]
                    + [f"Electoral register {e.record_id}: {e.display_name} at {e.address} {e.postcode}" for e in others],
                    [record, *others],
                ))  # fmt: skip
    return findings


# --- data quality ---------------------------------------------------------------------------

ISSUE_LABELS = {
    "postcode_invalid": "Invalid postcodes",
    "dob_impossible": "Impossible dates of birth",
    "dob_unreadable": "Unreadable dates of birth",
    "dob_swapped": "Dates of birth written month first",
    "uprn_missing": "Missing UPRN",
    "uprn_invalid": "Invalid UPRN",
    "phone_invalid": "Invalid phone numbers",
    "email_invalid": "Invalid email addresses",
    "ni_number_invalid": "Invalid NI numbers",
}
COMPARED = ("surname", "date_of_birth", "postcode", "first_name")


def quality_report() -> list[dict[str, Any]]:
    """Per source: records, each data-quality issue found on import, and how many records
    disagree with their person's golden value (surname, date of birth, postcode, first name)."""
    sources = list(Source.objects.order_by("name"))
    issues: dict[int, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    disagree: dict[int, Counter] = defaultdict(Counter)
    by_person: dict[int, list[tuple]] = defaultdict(list)
    trust = {s.pk: s.trust for s in sources}
    rows = SourceRecord.objects.filter(retired_at__isnull=True).values_list(
        "source_id", "issues", "person_id", "updated_at", *COMPARED
    )
    for source_id, record_issues, person_id, updated_at, *values in rows.iterator(chunk_size=10000):
        totals[source_id] += 1
        issues[source_id].update(record_issues or [])
        if person_id:
            by_person[person_id].append((trust[source_id], updated_at, source_id, values))
    for members in by_person.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: (m[0], m[1]), reverse=True)
        for i, field in enumerate(COMPARED):
            golden = next((m[3][i] for m in members if m[3][i]), None)
            for m in members:
                value = m[3][i]
                if value and golden and str(value).lower() != str(golden).lower():
                    disagree[m[2]][field] += 1
    return [
        {
            "source": source,
            "records": totals[source.pk],
            "issues": [(label, issues[source.pk][key]) for key, label in ISSUE_LABELS.items()],
            "disagree": [(f.replace("_", " "), disagree[source.pk][f]) for f in COMPARED],
            "last_import": source.imports.first(),
        }
        for source in sources
    ]


def persons_search(*, name: str = "", postcode: str = "", limit: int = 50) -> QuerySet:
    records = SourceRecord.objects.filter(retired_at__isnull=True, person__isnull=False)
    words = name.split()
    if words:
        records = records.filter(surname__iexact=words[-1])
        if len(words) > 1:
            records = records.filter(first_name__istartswith=words[0][:1])
    if postcode:
        records = records.filter(postcode=postcode_clean(postcode) or postcode.upper())
    ids = records.values_list("person_id", flat=True).distinct()[:limit]
    return Person.objects.filter(pk__in=list(ids)).prefetch_related("records__source")


def person_for_account(user_id: int) -> Person | None:
    """The golden-record person that a portal account's record belongs to, if linked."""
    record = (
        SourceRecord.objects.filter(
            source__kind=Source.Kind.PORTAL_ACCOUNTS,
            record_id=str(user_id),
            retired_at__isnull=True,
            person__isnull=False,
        )
        .select_related("person")
        .first()
    )
    return record.person if record else None
