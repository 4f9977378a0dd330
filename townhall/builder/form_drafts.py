"""The form builder's one write: apply an edit of form_editing to the service's draft form.

The edit runs on the draft as it is now, and the draft is saved only if it is still at the
revision the designer's page was read at (service_draft_save raises DraftConflict and writes
nothing otherwise), so a designer never overwrites a colleague's change unseen.
"""

import copy
from collections.abc import Callable
from typing import Any

from django.db import transaction

from townhall.accounts.models import User
from townhall.builder.drafts import service_draft, service_draft_save
from townhall.builder.form_editing import Definition, definition_start
from townhall.builder.models import ServiceDraft
from townhall.catalogue.models import Service

# An edit gives the changed definition, or (changed definition, id of what it made).
FormEdit = Callable[[Definition], Definition | tuple[Definition, str]]


def draft_definition(draft: ServiceDraft) -> Definition:
    """The draft's form definition (a copy), or an empty one when the service has no form."""
    form = draft.data.get("form") or {}
    if form.get("definition"):
        return copy.deepcopy(form["definition"])
    name = draft.data.get("name") or {}
    return definition_start(str(name.get("en") or "") if isinstance(name, dict) else str(name))


def form_draft_edit(
    *, service: Service, revision: int, actor: User | None, change: str, edit: FormEdit
) -> tuple[ServiceDraft, str]:
    """Apply `edit` to the draft's form and save the draft read at `revision`; `change` says
    what, for the audit. Returns the saved draft and the id the edit made ("" if none).
    Raises FormEditRefused (the edit's reasons) or DraftConflict, saving nothing."""
    with transaction.atomic():
        draft = service_draft(service, actor=actor)
        changed = edit(draft_definition(draft))
        made = ""
        if isinstance(changed, tuple):
            changed, made = changed
        data: dict[str, Any] = copy.deepcopy(draft.data)
        data["form"] = {**(data.get("form") or {}), "definition": changed}
        saved = service_draft_save(
            service=service, data=data, revision=revision, actor=actor, change=change
        )
    return saved, made
