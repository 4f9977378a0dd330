"""System checks for forms that must be right before residents see them."""

from django.core.checks import Error, register
from django.db import DatabaseError

from townhall.catalogue.models import Service
from townhall.eforms.models import FormVersion


@register("townhall")
def published_services_have_live_forms(app_configs, **kwargs):
    """A published service whose form has no published version would show residents a start
    page leading nowhere (townhall.E001). An information service has no form: its start page
    is its advice."""
    errors = []
    try:
        services = list(
            Service.objects.filter(is_published=True)
            .exclude(kind=Service.Kind.INFORMATION)
            .select_related("form")
        )
        live = set(
            FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED).values_list(
                "form_id", flat=True
            )
        )
    except DatabaseError:
        return []  # not migrated yet: nothing to check
    for service in services:
        if service.form_id is None or service.form_id not in live:
            errors.append(
                Error(
                    f"Service '{service.name}' is published but has no published form.",
                    hint="Publish a form version or unpublish the service.",
                    obj=service,
                    id="townhall.E001",
                )
            )
    return errors
