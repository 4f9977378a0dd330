"""The A to Z's search finds services the way residents ask: synonyms, common words and
misspellings, best match first. Every test runs on the database of the run: PostgreSQL in CI
(full-text search, ranking, pg_trgm), SQLite locally (the LIKE fallback); the few that need
PostgreSQL say so."""

from functools import lru_cache

import pytest
from django.db import connection
from django.utils import timezone

from townhall.accounts.models import Department
from townhall.builder.exchange import service_file_load
from townhall.catalogue.models import Service
from townhall.catalogue.search import query_concepts
from townhall.catalogue.selectors import (
    services_public,
    services_search,
    services_staff_search,
)
from townhall.catalogue.starter import starter_service_files
from townhall.demo.council import demo_service_files
from townhall.eforms.models import Form

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text ranking and pg_trgm are PostgreSQL's"
)

BIN_SERVICES = {
    "report-a-missed-bin-collection",
    "subscribe-to-garden-waste-collection",
    "book-a-bulky-waste-collection",
}
FLY_TIPPING = "report-fly-tipping"


@lru_cache(maxsize=1)
def _catalogue_files() -> list[dict]:
    return [service_file_load(text) for _, text in demo_service_files() + starter_service_files()]


@pytest.fixture
def catalogue() -> None:
    """The demo's and the starter's services as the search sees them: their names, words and
    kinds (the whole import, forms and processes, is the walk's and the starter's to test)."""
    form = Form.objects.create(slug="any-form", name="Any form")
    departments: dict[str, Department] = {}
    services = []
    for data in _catalogue_files():
        slug = data["department"]
        if slug not in departments:
            departments[slug] = Department.objects.create(slug=slug, name=slug)
        services.append(
            Service(
                slug=data["slug"],
                name=data["name"]["en"],
                summary=data["summary"]["en"],
                description=data["description"]["en"],
                keywords=data["keywords"]["en"],
                name_cy=data["name"]["cy"],
                summary_cy=data["summary"]["cy"],
                description_cy=data["description"]["cy"],
                keywords_cy=data["keywords"]["cy"],
                kind=data["kind"],
                audience=data["audience"],
                is_published=data["published"],
                reference_prefix=data["reference_prefix"],
                department=departments[slug],
                form=None if data["kind"] == Service.Kind.INFORMATION else form,
            )
        )
    Service.objects.bulk_create(services)


def _found(query: str, language: str = "en") -> list[str]:
    return [service.slug for service in services_search(query, language)]


def test_a_query_is_read_as_thesaurus_phrases_and_words_that_name_a_service():
    assert query_concepts("How do I report a missed bin?")[:2] == [("report",), ("missed",)]
    assert query_concepts("Council-Tax")[0][0] == "council tax"
    assert query_concepts("fly-tipping") == query_concepts("fly tipping")
    assert "flytipping" in query_concepts("fly tipping")[0]
    assert "licence" in query_concepts("license")[0]
    assert query_concepts("how do I") == []


def test_bin_finds_missed_bin_garden_waste_and_bulky_waste(catalogue):
    for query in ("bin", "bins", "my bin", "Bins"):
        assert set(_found(query)) >= BIN_SERVICES, query


def test_council_tax_finds_every_council_tax_service(catalogue):
    council_tax = {
        service.slug
        for service in services_public()
        if "council tax" in f"{service.name} {service.keywords}".lower()
    }
    assert len(council_tax) >= 4
    for query in ("council tax", "Council Tax", "counciltax", "council-tax", "ctax"):
        assert set(_found(query)) >= council_tax, query


@pytest.mark.parametrize("query", ["fly tipping", "flytipping", "fly-tipping", "Fly tip"])
def test_every_spelling_of_fly_tipping_finds_it(catalogue, query):
    assert FLY_TIPPING in _found(query)


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("homless", "get-help-if-you-are-homeless"),
        ("taxi license", "apply-for-a-taxi-or-private-hire-driver-licence"),
        ("taxi licence", "apply-for-a-taxi-or-private-hire-driver-licence"),
        ("street trading license", "apply-for-a-street-trading-licence"),
        ("grafitti", "report-graffiti"),
        ("pot hole", "report-a-pothole-or-road-defect"),
        ("rubish", "report-a-missed-bin-collection"),
    ],
)
def test_a_common_misspelling_finds_its_service(catalogue, query, slug):
    assert slug in _found(query)


def test_words_a_resident_adds_around_the_service_do_not_hide_it(catalogue):
    assert "report-a-missed-bin-collection" in _found("How do I report a missed bin?")
    assert "book-a-bulky-waste-collection" in _found("get rid of an old sofa")


def test_the_service_named_by_the_query_comes_first(catalogue):
    assert _found("garden waste")[0] == "subscribe-to-garden-waste-collection"
    assert _found("graffiti")[0] == "report-graffiti"
    assert _found("missed bin")[0] == "report-a-missed-bin-collection"
    assert _found("pest control")[0] == "book-pest-control"


def test_only_public_live_services_are_found(catalogue):
    assert _found("expenses") == []  # internal: the desk's
    assert "internal-insurance-claim" not in _found("insurance claim")
    Service.objects.filter(slug=FLY_TIPPING).update(retired_at=timezone.now())
    assert FLY_TIPPING not in _found("fly tipping")
    Service.objects.filter(slug="report-graffiti").update(is_published=False)
    assert "report-graffiti" not in _found("graffiti")


def test_the_desk_finds_internal_services_too_in_a_callers_words(catalogue):
    found = [service.slug for service in services_staff_search("expenses")]
    assert found[0] == "internal-expenses-claim"
    assert FLY_TIPPING in [service.slug for service in services_staff_search("flytipping")]


def test_a_query_of_no_service_words_lists_the_whole_a_to_z(catalogue):
    assert len(_found("how do I")) == services_public().count()


def test_the_a_to_z_page_searches_at_its_acceptance_url(catalogue, client):
    response = client.get("/services/", {"q": "flytipping"})
    assert response.status_code == 200
    assert "Report fly-tipping" in response.content.decode()


@postgresql_only
def test_misspellings_the_thesaurus_does_not_list_are_found_by_trigram(catalogue):
    assert "report-graffiti" in _found("gaffiti")
    assert "book-pest-control" in _found("cockroches")
    assert "make-a-complaint" in _found("complant")


@postgresql_only
def test_a_near_spelling_is_not_asked_when_the_words_match(catalogue):
    assert not any("council tax" in s.name.lower() for s in services_search("taxi"))


@postgresql_only
def test_the_last_word_is_matched_as_typed_so_far(catalogue):
    assert "book-a-bulky-waste-collection" in _found("bulk")
    assert "report-an-abandoned-vehicle" in _found("abandoned veh")


@postgresql_only
def test_stemming_finds_other_forms_of_a_word(catalogue):
    assert "report-a-missed-bin-collection" in _found("collections missed")
    assert "make-a-complaint" in _found("complaining")


def test_in_welsh_a_service_is_found_by_its_welsh_words_and_by_its_english_ones(catalogue):
    assert _found("baw cŵn", "cy")[0] == "report-dog-fouling"  # its Welsh name and keywords
    assert _found("Sut ydw i'n rhoi gwybod am faw cŵn?", "cy")[0] == "report-dog-fouling"
    assert _found("dog fouling", "cy")[0] == "report-dog-fouling"  # a Welsh reader typing English
    assert "report-dog-fouling" not in _found("baw cŵn")  # English pages search the English


def test_welsh_letters_with_a_to_bach_are_letters_of_a_word():
    assert query_concepts("cŵn", welsh=True) == [("cŵn",)]
    assert query_concepts("sut ydw i'n talu", welsh=True) == [("talu",)]
