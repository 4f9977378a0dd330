"""The demo's Open311 key is printed in the README: an active client with it in production
would let anyone post reports as that client."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from townhall.core.checks import demo_secrets_allowed
from townhall.open311.clients import api_client_for_key

# The demo's public key, kept here with the check that refuses it; the demo (dev-only,
# townhall.demo) takes it from here, so production code never imports the demo.
DEMO_OPEN311_KEY = "demo-open311-key"


@register(Tags.security)
def open311_has_no_demo_key(app_configs, **kwargs) -> list[Error]:
    if demo_secrets_allowed() or not settings.HTTPS:
        return []  # rows are held to it in production only, like partners' secrets
    try:
        client = api_client_for_key(DEMO_OPEN311_KEY)
    except DatabaseError:
        return []
    if client is None:
        return []
    return [
        Error(
            f"Open311 client '{client.name}' has the demo's public API key.",
            hint="Revoke it at /staff/integrations/open311/ and issue the client a new key.",
            obj=client,
            id="townhall.E131",
        )
    ]
