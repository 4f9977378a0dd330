"""Contractors must not keep the demo's public secret or pull token in production: anyone who
read the source could post job updates as them or pull their jobs (residents' addresses)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError
from django.db.models import Q

from townhall.core.checks import demo_secrets_allowed
from townhall.integrations.inbound import token_hash
from townhall.integrations.models import PartnerEndpoint

# The demo's public values, kept here with the check that refuses them; the demo (dev-only,
# townhall.demo) takes them from here, so production code never imports the demo.
DEMO_SECRET = "demo-contractor-secret"  # noqa: S105 (demo only, public)
DEMO_PULL_TOKEN = "demo-contractor-pull-token"  # noqa: S105 (demo only, public)


@register(Tags.security)
def contractors_have_no_demo_secrets(app_configs, **kwargs) -> list[Error]:
    if demo_secrets_allowed() or not settings.HTTPS:
        return []  # see townhall.integrations.checks: rows are held to it in production only
    try:
        found = list(
            PartnerEndpoint.objects.filter(enabled=True).filter(
                Q(secret=DEMO_SECRET) | Q(token_hash=token_hash(DEMO_PULL_TOKEN))
            )
        )
    except DatabaseError:
        return []
    errors = []
    for endpoint in found:
        which = [
            what
            for what, public in (
                ("signing secret", endpoint.secret == DEMO_SECRET),
                ("pull token", endpoint.token_hash == token_hash(DEMO_PULL_TOKEN)),
            )
            if public
        ]
        errors.append(
            Error(
                f"Contractor partner '{endpoint.name}' still has the demo's public "
                f"{' and '.join(which)}.",
                hint="Agree a new random secret and token with the contractor, or disable it.",
                obj=endpoint,
                id="townhall.E121",
            )
        )
    return errors
