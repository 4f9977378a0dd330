"""Audit trail: one function writes every audit event."""

from typing import Any

from django.http import HttpRequest

from townhall.core.client_address import client_ip
from townhall.core.models import AuditEvent


def audit_record(
    *,
    action: str,
    object_type: str,
    object_id: Any,
    actor: Any = None,
    subject_user_id: int | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
    detail: dict | None = None,
) -> AuditEvent:
    """Write one audit event. Anonymous actors are recorded as None."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        actor=actor,
        subject_user_id=subject_user_id,
        reason=reason[:200],
        ip_address=client_ip(request),
        detail=detail or {},
    )
