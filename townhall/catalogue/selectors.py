"""Reads of the service catalogue. The lists residents see on every page view are cached
briefly: services change a few times a week, and each save clears the cache."""

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString

from townhall.catalogue.advice import advice_html
from townhall.catalogue.models import Service
from townhall.catalogue.search import services_ranked
from townhall.core.pagecache import generation_bump

# The generation of the kept public pages that show the catalogue (core/pagecache.py).
PAGES = "catalogue"

CACHE_SECONDS = 60
CACHE_KEYS = ("catalogue:popular", "catalogue:public", "catalogue:start:")


def services_public() -> QuerySet[Service]:
    """Published services residents can use, A to Z: requests and eligibility checkers with
    a form, information services (an advice page, no form). Internal services are staff's;
    retired ones nobody's."""
    return (
        Service.objects.filter(
            is_published=True, retired_at__isnull=True, audience=Service.Audience.PUBLIC
        )
        .filter(Q(form__isnull=False) | Q(kind=Service.Kind.INFORMATION))
        .exclude(kind=Service.Kind.INTERNAL)
        .order_by("name")
    )


def services_for_staff() -> QuerySet[Service]:
    """Published services of every kind and audience, A to Z: what the desk can find."""
    return Service.objects.filter(is_published=True).order_by("name")


def services_public_list() -> list[Service]:
    services = cache.get("catalogue:public")
    if services is None:
        services = list(services_public())
        cache.set("catalogue:public", services, CACHE_SECONDS)
    return services


def services_popular(limit: int = 6) -> list[Service]:
    services = cache.get("catalogue:popular")
    if services is None:
        services = list(
            services_public().filter(is_popular=True).order_by("popularity_rank", "name")[:limit]
        )
        cache.set("catalogue:popular", services, CACHE_SECONDS)
    return services


def service_start_content(service: Service) -> dict:
    """The start-page text of the service's live form version."""
    key = f"catalogue:start:{service.pk}"
    content = cache.get(key)
    if content is None:
        version = service.form.live_version() if service.form else None
        content = version.definition.get("start", {}) if version else {}
        cache.set(key, content, CACHE_SECONDS)
    return content


def catalogue_cache_clear(service_ids: list[int] | None = None) -> None:
    keys = ["catalogue:popular", "catalogue:public"]
    ids = service_ids if service_ids is not None else Service.objects.values_list("pk", flat=True)
    keys += [f"catalogue:start:{pk}" for pk in ids]
    cache.delete_many(keys)
    generation_bump(PAGES)


def services_search(query: str, language: str = "en") -> list[Service]:
    """The A to Z's search: public services matching the resident's words, their synonyms
    and near misspellings, best first (catalogue.search), in Welsh the Welsh texts too;
    every one when the query names nothing."""
    found = services_ranked(services_public(), query, language)
    return services_public_list() if found is None else found


def services_staff_search(query: str) -> list[Service]:
    """The desk's service search: every published service, of all four kinds, found by the
    caller's words as the A to Z finds them (catalogue.search), best first."""
    services = services_for_staff().select_related("department")
    found = services_ranked(services, query)
    return list(services) if found is None else found


def service_advice(service: Service, language: str) -> SafeString:
    """An information service's advice (its description) as HTML, in Welsh when the page is
    and it is written: one paragraph a line, with headings, bullet lists and links
    (`catalogue.advice`)."""
    text = service.description_cy if language == "cy" and service.description_cy else ""
    return advice_html(text or service.description)
