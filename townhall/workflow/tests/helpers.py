from typing import Any

from townhall.cases.models import Case
from townhall.cases.services import case_create
from townhall.catalogue.models import Service
from townhall.demo.contractors import demo_contractors_load
from townhall.demo.loader import demo_departments_load, demo_services_load
from townhall.workflow.models import WorkItem


def demo_catalogue_with_processes() -> dict[str, Service]:
    """The demo council's departments, teams and services, with the process library live.
    For tests of any app that need real processes behind their cases. Without the starter
    catalogue, which has its own tests (catalogue/tests/test_starter.py): importing it too
    would add about 1.5 seconds to every test that uses this."""
    demo_departments_load()
    demo_services_load(starter=False)
    demo_contractors_load()
    return {s.slug: s for s in Service.objects.all()}


def case_open(service: Service, answers: dict[str, Any] | None = None, **extra: Any) -> Case:
    extra.setdefault("contact_name", "Sam Caller")
    extra.setdefault("contact_email", "sam.caller@example.com")
    return case_create(
        service=service, summary=service.name, answers=answers or {}, channel="web", **extra
    )


def open_items(case: Case) -> list[WorkItem]:
    return list(WorkItem.objects.filter(case=case, status=WorkItem.Status.OPEN))


def only_open_item(case: Case) -> WorkItem:
    items = open_items(case)
    assert len(items) == 1, [i.title for i in items]
    return items[0]
