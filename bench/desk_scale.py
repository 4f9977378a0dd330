"""The desk at a million cases (run by hand; results go in the issue's closing note).

Seeds PostgreSQL with the demo council, a staff-only bench service in every department that has
none (so the cases spread over all 13), 100,000 residents and 1,000,000 cases (once: a second
run reuses them; the seeding is bench/desk_search.py's), then times, as the pages are served
(rendered, audited, through the middleware):

- the team queue: an officer's default queue, a team's queue, a filtered one, page 2 and a
  page far down by the "Next" link, each sort;
- the case page of random cases;
- the contact centre's caller search page.

It also counts the queries of a queue page at 25 and at 100 cases a page: the count must not
grow with the page size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/townhall_bench_cc \\
        .venv/bin/python bench/desk_scale.py [--cases 1000000] [--repeats 30]

Target (issue 4, point 9): p95 < 150 ms each, no query count growing with page size.
"""

import argparse
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
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import desk_search  # noqa: E402


def bench_services_add() -> None:
    """One staff-only bench service in each department that has no service of its own."""
    from townhall.accounts.models import Department
    from townhall.catalogue.models import Service
    from townhall.demo.loader import demo_council_load

    call_command("migrate", verbosity=0)
    demo_council_load(cases=0)
    for n, department in enumerate(Department.objects.filter(services__isnull=True)):
        Service.objects.get_or_create(
            slug=f"bench-{department.slug}"[:50],
            defaults={
                "name": f"Bench enquiry: {department.name}",
                "summary": "Seeded for the desk benchmark.",
                "department": department,
                "default_team": department.teams.order_by("pk").first(),
                "reference_prefix": f"B{n:02d}",
                "audience": Service.Audience.STAFF,
                "is_published": False,
            },
        )


def p95_ms(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94] * 1000


def timed(client: Client, urls: list[str]) -> list[float]:
    samples = []
    client.get(urls[0])  # warm the plan cache and the templates
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def next_links(client: Client, url: str, hops: int) -> str:
    """Follow the queue's "Next" link `hops` times; return the URL reached."""
    import re

    for _ in range(hops):
        html = client.get(url).content.decode()
        found = re.search(
            r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"', html
        )
        assert found, "no Next link"
        url = "/staff/" + found.group(1).replace("&amp;", "&")
    return url


def measure(repeats: int) -> None:
    from townhall.accounts.models import Team, User
    from townhall.cases.models import Case
    from townhall.places.models import Ward

    officer = User.objects.get(email="waste.officer@example.gov.uk")
    agent = User.objects.get(email="agent@example.gov.uk")
    rng = random.Random(9)
    officer_client, agent_client = Client(), Client()
    officer_client.force_login(officer)
    agent_client.force_login(agent)
    visible = Case.objects.filter(department__in=officer.departments.all())
    print(
        f"{Case.objects.count():,} cases in {Case.objects.values('department').distinct().count()} "
        f"departments; the officer's departments hold {visible.count():,}"
    )
    team = Team.objects.get(slug="waste-and-street-scene-street-scene-crew")
    queues = {
        "default queue (open, soonest due)": "/staff/",
        "team queue": f"/staff/?team={team.pk}",
        "my work": "/staff/?mine=1",
        "overdue, one service, web": "/staff/?due=overdue&channel=web&service="
        + str(visible.values_list("service_id", flat=True).first()),
        "all statuses, newest first": "/staff/?status=all&sort=newest",
        "one ward, recently changed": f"/staff/?ward={Ward.objects.order_by('pk').first().pk}"
        "&sort=updated",
    }
    queues["page 2 by the Next link"] = next_links(officer_client, "/staff/", 1)
    deep = next_links(officer_client, "/staff/?status=all&sort=newest", 20)
    queues["21st page by Next links"] = deep
    results: dict[str, list[float]] = {}
    for name, url in queues.items():
        results[name] = timed(officer_client, [url] * repeats)

    ids = list(visible.values_list("reference", flat=True).order_by("?")[:repeats])
    results["case page"] = timed(officer_client, [f"/staff/cases/{r}/" for r in ids])

    people = list(User.objects.filter(email__startswith="bench.").order_by("?")[:repeats])
    texts = []
    for person in people:
        texts.append(rng.choice([person.full_name, person.postcode, person.email, person.phone]))
    results["caller search page"] = timed(agent_client, [f"/staff/contact/?q={t}" for t in texts])

    for name, samples in results.items():
        mark = "ok" if p95_ms(samples) < 150 else "OVER"
        print(
            f"  {name:36} p50 {statistics.median(samples) * 1000:6.1f} ms  "
            f"p95 {p95_ms(samples):6.1f} ms  {mark}"
        )

    for size in (25, 100):
        # Each filter's lists are kept after its first page (desk/lists.py): count a repeat.
        officer_client.get(f"/staff/?per_page={size}")
        with CaptureQueriesContext(connection) as queries:
            officer_client.get(f"/staff/?per_page={size}")
        print(f"  queue queries at {size} a page: {len(queries.captured_queries)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run this on PostgreSQL: set DATABASE_URL.")
    bench_services_add()
    desk_search.seed(args.cases, args.residents)
    # A bulk load leaves the visibility map empty, which autovacuum would fill on a live
    # system; without it PostgreSQL cannot count from the indexes alone.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case")
    # Static URLs without a collected manifest: the pages' own work is what is measured.
    storages = {**settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES=storages, STAFF_2FA_REQUIRED=False):
        measure(args.repeats)


if __name__ == "__main__":
    main()
