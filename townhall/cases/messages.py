"""The standard messages officers send residents about their requests, each worded once, sent
as a public note by the channels the resident chose.
"""

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseEvent
from townhall.cases.services import case_add_note, note_check

# Messages officers send residents most, so each is worded once and well.
MESSAGE_TEMPLATES: dict[str, tuple[str | Promise, str]] = {
    "more_information": (
        _("Ask for more information"),
        "We need a little more information to deal with your request {reference}. Please add "
        "a comment to your request, or reply to this message.",
    ),
    "photo": (
        _("Ask for a photo"),
        "A photo would help us deal with your request {reference}. Please add one to your "
        "request if you can do so safely.",
    ),
    "visit_booked": (
        _("Tell them a visit is booked"),
        "We have booked a visit for your request {reference}. You do not need to be at home.",
    ),
    "no_access": (
        _("Tell them we could not get access"),
        "We went to deal with your request {reference} but could not get access. Please add a "
        "comment to your request to tell us a better time or how to get in.",
    ),
}


def case_message_resident(
    *, case: Case, actor: User | None, template: str, extra: str = ""
) -> CaseEvent:
    """Send the resident one of the standard messages (plus any words of the officer's own),
    by the channels they chose, as a public update on their request."""
    if template not in MESSAGE_TEMPLATES:
        raise ValidationError("Choose a message to send.")
    text = MESSAGE_TEMPLATES[template][1].format(reference=case.reference)
    extra = note_check(extra)
    return case_add_note(
        case=case, actor=actor, text=f"{text}\n\n{extra}" if extra else text, is_public=True
    )
