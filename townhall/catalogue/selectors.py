from django.db.models import Q, QuerySet

from townhall.catalogue.models import Service


def services_public() -> QuerySet[Service]:
    """Published services residents can use, A to Z."""
    return Service.objects.filter(
        is_published=True, audience=Service.Audience.PUBLIC, form__isnull=False
    ).order_by("name")


def services_popular(limit: int = 6) -> QuerySet[Service]:
    return services_public().filter(is_popular=True).order_by("popularity_rank", "name")[:limit]


def services_search(query: str) -> list[Service]:
    words = [w for w in query.lower().split() if len(w) > 1][:8]
    if not words:
        return list(services_public())
    condition = Q()
    for word in words:
        stem = word.rstrip("s") if len(word) > 4 else word
        condition &= (
            Q(name__icontains=stem) | Q(summary__icontains=stem) | Q(keywords__icontains=stem)
        )
    return list(services_public().filter(condition))
