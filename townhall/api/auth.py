"""Bearer tokens for staff tools. A token acts as its owner: the same permissions as the
desk (cases.permissions), so a token never reaches more than its owner could."""

import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from townhall.accounts.models import User
from townhall.accounts.permissions import can_use_staff_desk
from townhall.api.models import ApiToken

TOKEN_PREFIX = "th_"  # noqa: S105  (marks Townhall tokens in logs and secret scanners)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for a member of staff. The raw token is returned once, never stored."""
    if not can_use_staff_desk(user):
        raise ValueError("API tokens are for active council staff only.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:100], digest=token_digest(raw))
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


class StaffToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True)
            .first()
        )
        if found is None:
            return None
        user = found.user
        if not can_use_staff_desk(user):  # also refuses an account switched off
            return None
        now = timezone.now()
        # Written at most once a minute, so reads do not turn into writes.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = user
        return user
