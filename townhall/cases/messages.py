"""The standard messages officers send residents about their requests, each worded once in
English and Welsh, sent as a public note by the channels the resident chose, in the language
they asked in (or chose since on their account).
"""

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import User
from townhall.cases.models import Case, CaseEvent
from townhall.cases.notifications import case_language
from townhall.cases.services import case_add_note, note_check
from townhall.core.languages import Language

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

# The same messages as a Welsh council writes them: a Welsh case is sent these.
MESSAGE_TEMPLATES_CY: dict[str, str] = {
    "more_information": (
        "Mae angen ychydig mwy o wybodaeth arnom i ddelio â’ch cais {reference}. Ychwanegwch "
        "sylw at eich cais, neu atebwch y neges hon."
    ),
    "photo": (
        "Byddai llun yn ein helpu i ddelio â’ch cais {reference}. Ychwanegwch un at eich cais "
        "os gallwch wneud hynny’n ddiogel."
    ),
    "visit_booked": (
        "Rydym wedi trefnu ymweliad ar gyfer eich cais {reference}. Does dim angen i chi fod "
        "gartref."
    ),
    "no_access": (
        "Aethom ati i ddelio â’ch cais {reference} ond nid oedd modd i ni gael mynediad. "
        "Ychwanegwch sylw at eich cais i ddweud wrthym am amser gwell neu sut i fynd i mewn."
    ),
}


def message_text(case: Case, template: str) -> str:
    """The standard message's words for this case, in its resident's language."""
    if case_language(case) == Language.WELSH:
        return MESSAGE_TEMPLATES_CY[template].format(reference=case.reference)
    return MESSAGE_TEMPLATES[template][1].format(reference=case.reference)


def case_message_resident(
    *, case: Case, actor: User | None, template: str, extra: str = ""
) -> CaseEvent:
    """Send the resident one of the standard messages (plus any words of the officer's own),
    in their language, by the channels they chose, as a public update on their request."""
    if template not in MESSAGE_TEMPLATES:
        raise ValidationError("Choose a message to send.")
    text = message_text(case, template)
    extra = note_check(extra)
    return case_add_note(
        case=case, actor=actor, text=f"{text}\n\n{extra}" if extra else text, is_public=True
    )
