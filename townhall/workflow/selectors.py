"""Reads of processes and work items for pages and queues. None of them loads engine state."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from townhall.cases.models import Case
from townhall.workflow.models import ProcessInstance, ProcessVersion, WorkItem


@dataclass
class CaseProcess:
    """What the desk shows of a case's process."""

    status: str = ""
    status_label: str = ""
    last_error: str = ""
    version: str = ""
    open_items: list[WorkItem] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return self.status == ProcessInstance.Status.NEEDS_ATTENTION


def case_process(case: Case) -> CaseProcess | None:
    """The case's process summary, or None when it has none (two queries, no state)."""
    instance = (
        ProcessInstance.objects.filter(case=case)
        .select_related("version")
        .only("status", "last_error", "version__key", "version__version", "version__name")
        .first()
    )
    if instance is None:
        return None
    items = list(
        WorkItem.objects.filter(case=case, status=WorkItem.Status.OPEN).select_related(
            "team", "assigned_to"
        )
    )
    return CaseProcess(
        status=instance.status,
        status_label=instance.get_status_display(),
        last_error=instance.last_error,
        version=f"{instance.version.name} (version {instance.version.version})",
        open_items=items,
    )


def work_items_open(*, team_ids: list[int] | None = None) -> QuerySet[WorkItem]:
    """Open work items, soonest due first, optionally for some teams: what queues filter on
    (indexed on team, status, due)."""
    items = WorkItem.objects.filter(status=WorkItem.Status.OPEN)
    if team_ids is not None:
        items = items.filter(team_id__in=team_ids)
    return items.select_related("case", "team").order_by("due_at", "id")


def cases_needing_attention() -> QuerySet[ProcessInstance]:
    return ProcessInstance.objects.filter(status=ProcessInstance.Status.NEEDS_ATTENTION)


def process_versions(key: str) -> QuerySet[ProcessVersion]:
    """Every version of a process, newest first, without the XML (for lists and pickers)."""
    return (
        ProcessVersion.objects.filter(key=key)
        .defer("bpmn_xml", "dmn_xmls")
        .select_related("published_by")
        .order_by("-version")
    )


def process_version_live(key: str) -> ProcessVersion | None:
    return ProcessVersion.objects.filter(key=key, is_live=True).first()


def processes_live() -> QuerySet[ProcessVersion]:
    """The live version of every process, by name, without the XML (the designer's list)."""
    return (
        ProcessVersion.objects.filter(is_live=True)
        .defer("bpmn_xml", "dmn_xmls")
        .select_related("published_by")
        .order_by("name")
    )


def process_version(key: str, number: int) -> ProcessVersion | None:
    return ProcessVersion.objects.filter(key=key, version=number).first()
