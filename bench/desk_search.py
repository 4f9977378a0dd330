"""Caller search at scale (run by hand; results go in the issue's closing note).

Seeds PostgreSQL with the demo council, 100,000 residents and 1,000,000 cases (once: a
second run reuses them), then times the contact centre's search, the function behind
/staff/contact/?q=, for what callers tell agents: a name (exact and misspelt), a postcode,
an email, a phone number, a case reference and a street. Each query runs as the demo agent,
who sees every department's cases; the whole search page is timed too.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/townhall_bench_cc \\
        .venv/bin/python bench/desk_search.py [--cases 1000000] [--repeats 30]

Target (issue 4, point 6): results in < 200 ms with a million cases (p95).
"""

import argparse
import importlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/townhall_bench_cc")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

FIRST = [
    "Jane",
    "John",
    "Priya",
    "Mohammed",
    "Olivia",
    "Amelia",
    "George",
    "Harry",
    "Isla",
    "Noah",
    "Grace",
    "Leo",
    "Freya",
    "Oscar",
    "Ava",
    "Arthur",
    "Mia",
    "Jack",
    "Lily",
    "Charlie",
    "Sophie",
    "Thomas",
    "Emily",
    "James",
    "Ella",
    "William",
    "Ruby",
    "Alfie",
    "Chloe",
    "Henry",
]
LAST = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Harris",
    "Lewis",
    "Martin",
    "Cooper",
    "King",
    "Lee",
    "Baker",
    "Hughes",
    "Okafor",
    "Nowak",
    "Kowalski",
    "Murphy",
    "O'Brien",
    "Singh",
    "Ahmed",
]
SUMMARIES = [
    "Household bags dumped by the garages",
    "Recycling bin not emptied",
    "Pothole outside",
    "Graffiti on the underpass wall",
    "Fridge left on the verge",
    "Food caddy missed again",
    "Abandoned car with flat tyres",
    "Dead fox on the pavement",
    "Garden waste bin missed",
    "Broken glass in the play area",
    "Mattress dumped in the alley",
    "Streetlight flickering",
]


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def seed(cases: int, residents: int) -> None:
    from townhall.accounts.models import User
    from townhall.cases.models import Case
    from townhall.demo.loader import demo_council_load

    indexes = importlib.import_module(
        "townhall.desk.contact.migrations.0002_search_indexes_postgresql"
    ).INDEXES
    call_command("migrate", verbosity=0)
    demo_council_load(cases=0)
    have_people = User.objects.filter(email__startswith="bench.").count()
    have_cases = Case.objects.filter(channel_client="bench").count()
    if have_people >= residents and have_cases >= cases:
        print(f"Reusing {have_people:,} residents and {have_cases:,} cases.")
        return
    started = time.perf_counter()
    first, last = _sql_array(FIRST), _sql_array(LAST)
    with connection.cursor() as cursor:
        # Bulk loads are faster with the search indexes built afterwards.
        for name in indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("DELETE FROM cases_case WHERE channel_client = 'bench'")
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE 'bench.%%'")
        cursor.execute(
            f"""
            WITH a AS (
                SELECT row_number() OVER (ORDER BY a.id) - 1 AS n, a.uprn, a.postcode,
                       a.number_or_name || ' ' || s.name || ', ' || s.town AS line
                FROM places_address a JOIN places_street s ON s.id = a.street_id
            ), total AS (SELECT count(*) AS c FROM a)
            INSERT INTO accounts_user (password, is_superuser, email, full_name, phone,
                address_line, postcode, uprn, role, notify_by_email, notify_by_sms, is_active,
                is_staff, date_joined, email_verified_at)
            SELECT '!', false, 'bench.person' || g || '@example.net',
                   ({first})[1 + (g * 7) %% {len(FIRST)}] || ' ' || ({last})[1 + (g * 13) %% {len(LAST)}],
                   '07700 ' || lpad((g %% 1000000)::text, 6, '0'),
                   a.line, a.postcode, a.uprn, 'resident', true, false, true, false, now(), now()
            FROM generate_series(1, %s) g, total JOIN a ON true
            WHERE a.n = g %% total.c
            """,
            [residents],
        )
        cursor.execute(
            f"""
            WITH a AS (
                SELECT row_number() OVER (ORDER BY a.id) - 1 AS n, a.uprn, a.lat, a.lon,
                       s.usrn, a.number_or_name || ' ' || s.name || ', ' || s.town || ', '
                       || a.postcode AS line
                FROM places_address a JOIN places_street s ON s.id = a.street_id
            ), atotal AS (SELECT count(*) AS c FROM a),
            svc AS (
                SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, department_id,
                       default_team_id, reference_prefix, sla_days
                FROM catalogue_service
            ), stotal AS (SELECT count(*) AS c FROM svc),
            people AS (
                SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, full_name, email, phone
                FROM accounts_user WHERE email LIKE 'bench.%%'
            ), ptotal AS (SELECT count(*) AS c FROM people),
            rows AS (
                SELECT g, now() - (g %% 2000) * interval '1 day' - (g %% 86400) * interval '1 second'
                       AS created
                FROM generate_series(1::bigint, %s::bigint) g
            )
            INSERT INTO cases_case (created_at, updated_at, reference, channel, channel_client,
                status, resolution, priority, summary, due_at, closed_at, lat, lon, uprn, usrn,
                location_text, contact_name, contact_email, contact_phone, tracking_token,
                lock_version, department_id, team_id, resident_id, service_id)
            SELECT r.created, r.created,
                   svc.reference_prefix || '-' || (2010 + r.g %% 15) || '-' || lpad(r.g::text, 7, '0'),
                   (ARRAY['web','phone','face_to_face','open311'])[1 + r.g %% 4], 'bench',
                   CASE WHEN r.g %% 10 < 8 THEN 'closed' WHEN r.g %% 10 = 8 THEN 'open'
                        ELSE 'in_progress' END,
                   CASE WHEN r.g %% 10 < 8 THEN 'completed' ELSE '' END, 'normal',
                   ({_sql_array(SUMMARIES)})[1 + r.g %% {len(SUMMARIES)}],
                   r.created + svc.sla_days * interval '1 day',
                   CASE WHEN r.g %% 10 < 8 THEN r.created + interval '3 days' END,
                   a.lat, a.lon, a.uprn, a.usrn, a.line,
                   CASE WHEN r.g %% 2 = 0 THEN p.full_name
                        ELSE ({first})[1 + (r.g * 11) %% {len(FIRST)}] || ' ' || ({last})[1 + (r.g * 3) %% {len(LAST)}] END,
                   CASE WHEN r.g %% 2 = 0 THEN p.email ELSE 'caller' || r.g || '@example.org' END,
                   CASE WHEN r.g %% 2 = 0 THEN p.phone ELSE '01233 ' || lpad((r.g %% 1000000)::text, 6, '0') END,
                   md5(r.g::text || 'bench'), 0, svc.department_id, svc.default_team_id,
                   CASE WHEN r.g %% 2 = 0 THEN p.id END, svc.id
            FROM rows r
            CROSS JOIN atotal CROSS JOIN stotal CROSS JOIN ptotal
            JOIN a ON a.n = r.g %% atotal.c
            JOIN svc ON svc.n = r.g %% stotal.c
            JOIN people p ON p.n = (r.g * 7919) %% ptotal.c
            """,
            [cases],
        )
        print(f"Seeded in {time.perf_counter() - started:.0f} s; building search indexes...")
        started = time.perf_counter()
        for name, target in indexes.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE cases_case")
        print(f"Indexes built in {time.perf_counter() - started:.0f} s.")


def p95_ms(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94] * 1000


def measure(repeats: int) -> None:
    from townhall.accounts.models import User
    from townhall.cases.models import Case
    from townhall.desk.contact.search import callers_search

    agent = User.objects.get(email="agent@example.gov.uk")
    rng = random.Random(4)
    sample_case = Case.objects.filter(channel_client="bench").order_by("?")[:repeats]
    people = list(User.objects.filter(email__startswith="bench.").order_by("?")[:repeats])
    queries: dict[str, list[str]] = {
        "name": [p.full_name for p in people],
        "misspelt name": [p.full_name.replace("a", "e", 1).replace("o", "u", 1) for p in people],
        "surname": [rng.choice(LAST) for _ in range(repeats)],
        "postcode": [p.postcode.replace(" ", "").lower() for p in people],
        "email": [p.email for p in people],
        "phone": [p.phone for p in people],
        "reference": [c.reference for c in sample_case],
        "street": [" ".join(p.address_line.split(",")[0].split()[1:]) for p in people],
        "case text": [
            rng.choice(SUMMARIES).split()[0] + " " + rng.choice(LAST) for _ in range(repeats)
        ],
    }
    print(
        f"{Case.objects.count():,} cases, {User.objects.filter(role='resident').count():,} residents"
    )
    all_samples: list[float] = []
    for kind, texts in queries.items():
        callers_search(user=agent, query=texts[0])  # warm the plan cache
        samples = []
        found = 0
        for text in texts:
            started = time.perf_counter()
            results = callers_search(user=agent, query=text)
            samples.append(time.perf_counter() - started)
            found += bool(results.people or results.cases)
        all_samples += samples
        print(
            f"  {kind:14} p50 {statistics.median(samples) * 1000:6.1f} ms  "
            f"p95 {p95_ms(samples):6.1f} ms  found something for {found}/{len(texts)}"
        )
    print(f"  {'all searches':14} p95 {p95_ms(all_samples):6.1f} ms")

    client = Client()
    client.force_login(agent)
    # Static URLs without a collected manifest: the page's own work is what is measured.
    storages = {**settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override = override_settings(STORAGES=storages)
    override.enable()
    page_samples = []
    texts = [t for values in queries.values() for t in values[:5]]
    for text in texts:
        started = time.perf_counter()
        response = client.get("/staff/contact/", {"q": text})
        page_samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    print(f"  search page (rendered, audited) p95 {p95_ms(page_samples):6.1f} ms over {len(texts)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL: set DATABASE_URL.")
    seed(args.cases, args.residents)
    measure(args.repeats)


if __name__ == "__main__":
    main()
