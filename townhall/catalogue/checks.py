"""The secrets services name: a service handing reports on by Open311 names the environment
variable holding the county's API key (`hand_on.api_key_secret`). In production an empty one,
or the demo's, would leave every report "not yet passed on", so `check --deploy` names it."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from townhall.catalogue.hand_on import hand_on_read
from townhall.catalogue.models import Service
from townhall.core.checks import demo_secrets_allowed, secret_error

DEMO_COUNTY_KEY = "demo-county-key"  # scripts/demo.sh's, for the fake county


@register(Tags.security)
def hand_on_secrets_are_set(app_configs, **kwargs) -> list[Error]:
    if demo_secrets_allowed() or not settings.HTTPS:
        return []
    try:
        services = list(
            Service.objects.filter(is_published=True, retired_at__isnull=True)
            .exclude(hand_on={})
            .only("slug", "hand_on")
        )
    except DatabaseError:
        return []  # not migrated yet: no services to check
    errors, named = [], set()
    for service in services:
        hand_on = hand_on_read(service.hand_on)
        if hand_on is None or hand_on.method != "open311" or hand_on.api_key_secret in named:
            continue
        named.add(hand_on.api_key_secret)
        value = os.environ.get(hand_on.api_key_secret, "")
        problem = "is empty" if not value.strip() else ""
        if value == DEMO_COUNTY_KEY:
            problem = "is still the public demo value"
        if problem:
            errors.append(
                secret_error(
                    hand_on.api_key_secret,
                    f"{problem} while service '{service.slug}' hands reports on to "
                    f"{hand_on.responsible} by Open311",
                    f"Set {hand_on.api_key_secret} to the API key {hand_on.responsible} gave "
                    "for its Open311 endpoint.",
                    "townhall.E116",
                )
            )
    return errors
