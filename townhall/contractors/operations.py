"""The operation contractors offer to processes: sending a job.

Registered with workflow's registry as this module loads (from `ContractorsConfig.ready`), so
workflow, below contractors, never imports it; a process naming `contractor_job_send` is
accepted once apps are ready.
"""

from typing import Any

from townhall.contractors.services import contractor_job_create
from townhall.workflow.registry import OperationContext, operation


@operation("contractor_job_send")
def contractor_job_send(
    ctx: OperationContext,
    partner: str,
    job: str,
    reply: str = "job_done",
    collection_round: str = "",
) -> dict[str, Any]:
    """Send a job to a contractor through the outbox, in this transaction. The process then
    waits for the `reply` message, delivered by `process_message_deliver`. An import (the
    demo's history) sends no job: contractors are not sent to old cases. A missed bin's job
    names the waste round (`collection_round`) whose crew should go back."""
    if ctx.quiet:
        return {"outbox_id": None}
    sent = contractor_job_create(
        case=ctx.case_latest(),
        partner=partner,
        kind=job,
        reply=reply,
        idempotency_key=f"wf-{ctx.case.reference}-{ctx.task_id}",
        collection_round=collection_round,
    )
    return {"outbox_id": sent.outbox_id, "job_id": str(sent.job_id)}
