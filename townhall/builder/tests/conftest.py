"""Fixtures the service-file tests share."""

import pytest
import yaml

from townhall.accounts.models import Department, Team
from townhall.builder.selectors import service_export
from townhall.catalogue.models import ChannelCost, Service
from townhall.core.models import AuditEvent
from townhall.eforms.models import Form, FormVersion
from townhall.workflow.models import ProcessVersion
from townhall.workflow.tests.helpers import demo_catalogue_with_processes


@pytest.fixture
def demo() -> dict[str, Service]:
    return demo_catalogue_with_processes()


def empty_council() -> None:
    """What an empty database has of services, forms, processes, departments and teams:
    nothing."""
    Service.objects.all().delete()
    FormVersion.objects.all().delete()
    Form.objects.all().delete()
    ProcessVersion.objects.all().delete()
    Team.objects.all().delete()
    Department.objects.all().delete()


def import_state() -> dict[str, object]:
    """Every row an import may write, to show that a refused or repeated one wrote none."""
    return {
        "services": sorted(Service.objects.values_list()),
        "costs": sorted(ChannelCost.objects.values_list()),
        "forms": sorted(Form.objects.values_list()),
        "form_versions": sorted(FormVersion.objects.values_list("pk", "status", "content_hash")),
        "process_versions": sorted(ProcessVersion.objects.values_list("pk", "is_live")),
        "departments": sorted(Department.objects.values_list()),
        "teams": sorted(Team.objects.values_list()),
        "audit": AuditEvent.objects.count(),
    }


def fly_tipping_data(demo: dict[str, Service]) -> dict:
    return yaml.safe_load(service_export(demo["report-fly-tipping"]))
