"""System checks for forms that must be right before residents see them."""

from django.core.checks import Error, Warning, register
from django.db import DatabaseError

from townhall.catalogue.models import Service
from townhall.eforms.fees import fee_rules_problems
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


@register("townhall")
def fee_rules_fit_live_forms(app_configs, **kwargs):
    """A published service whose fee rules read what its live form does not ask (a form
    published after the rules, outside a service file's import, which checks both) charges
    its flat fee instead of the fee its rules describe (townhall.W001)."""
    warnings = []
    try:
        services = [
            service
            for service in Service.objects.filter(is_published=True, form__isnull=False)
            if service.fee_rules
        ]
        live = {
            version.form_id: version.definition
            for version in FormVersion.objects.filter(
                status=FormVersion.Status.PUBLISHED, form__in=[s.form_id for s in services]
            )
        }
    except DatabaseError:
        return []  # not migrated yet: nothing to check
    for service in services:
        definition = live.get(service.form_id or 0)
        problems = fee_rules_problems(service.fee_rules, definition) if definition else []
        if problems:
            warnings.append(
                Warning(
                    f"Service '{service.name}': its fee rules do not fit its live form "
                    f"({problems[0]}); its cases pay the flat fee.",
                    hint="Correct the rules or the form, and import the service file again.",
                    obj=service,
                    id="townhall.W001",
                )
            )
    return warnings
