"""The queue page's choice lists, kept rendered (issue 18 point 3).

The filter form (services, teams, wards) and the bulk form (whom to assign cases to) are the
same for every request of a member of staff with the same filters, and most of the queue
page's rendering. desk/home.html keeps them with `{% cache %}` under the generations of what
they list: `catalogue` (a service saved), `desk-lists` (a member of staff, a team, a
department or a ward saved, bumped on commit by the signals below) and `site` (each
migration). No timeout decides freshness; DESK_LISTS_KEEP_SECONDS only bounds memory, and is
0 (nothing kept) without a shared cache, where one process could not tell the others.
"""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from townhall.catalogue.selectors import PAGES as CATALOGUE
from townhall.core.pagecache import SITE, generation_bump_on_commit, generations_current

DESK_LISTS = "desk-lists"


def desk_lists_version() -> str:
    """The generations the kept lists were made under, as one part of the fragment's key."""
    if not settings.DESK_LISTS_KEEP_SECONDS:
        return ""  # nothing is kept: no need to read the generations
    return "-".join(str(g) for g in generations_current((CATALOGUE, DESK_LISTS, SITE)))


def desk_lists_keep_seconds() -> int:
    return settings.DESK_LISTS_KEEP_SECONDS


def _changed(sender, **kwargs) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) <= {"last_login"}:
        return  # a sign-in changes nothing listed
    generation_bump_on_commit(DESK_LISTS)


def desk_lists_watch() -> None:
    """Bump the lists' generation when what they show changes (from DeskConfig.ready)."""
    from townhall.accounts.models import Department, Team, User
    from townhall.places.models import Ward

    for model in (User, Team, Department, Ward):
        post_save.connect(_changed, sender=model, dispatch_uid=f"desk-lists-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"desk-lists-delete-{model}")
    for through in (User.departments.through, User.teams.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"desk-lists-m2m-{through}")
