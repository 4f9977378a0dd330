from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from townhall.accounts.permissions import PermissionsOf


def permissions(request: HttpRequest) -> dict:
    """`perms_can` in every template: {% if perms_can.refund %} asks accounts.permissions'
    can_refund about the signed-in user, so templates hold no role sets of their own."""
    user = getattr(request, "user", None)
    return {"perms_can": PermissionsOf(AnonymousUser() if user is None else user)}
