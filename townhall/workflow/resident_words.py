"""The words the library's processes say to residents (a status change's note, a holding
message), listed so the Welsh catalogue keeps them (issue 20): the BPMN files carry the
English, and a Welsh case is told the catalogue's Welsh. A council's own words, which the
catalogue cannot know, reach the resident as written. A test checks every resident-facing
text in the library is here."""

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from townhall.cases.models import Case
from townhall.cases.notifications import case_language

LIBRARY_WORDS = [
    gettext_noop("Our crew went to the location but could not find the waste."),
    gettext_noop(
        "Our records show your bin was emptied on your collection day. If it is still full, "
        "please put it out by 7am next time."
    ),
    gettext_noop("Our street-scene crew will clear this."),
    gettext_noop("The crew has been back and emptied your bin."),
    gettext_noop("The fly-tipping has been cleared. Thank you for reporting it."),
    gettext_noop(
        "This is not something the council looks after. We have passed it to the right body."
    ),
    gettext_noop(
        "This is on private land, so it is for the landowner to clear. We have written to them."
    ),
    gettext_noop("We are gathering the information you asked for."),
    gettext_noop("We are looking into your complaint."),
    gettext_noop("We are sorry: you are not eligible to rent a council garage."),
    gettext_noop(
        "We did not receive your payment in time, so the collection was not booked. You can "
        "book again at any time."
    ),
    gettext_noop(
        "We did not receive your payment in time, so the subscription was not set up. You can "
        "apply again at any time."
    ),
    gettext_noop("We have asked the crew to come back and empty your bin."),
    gettext_noop("We have called you back."),
    gettext_noop("We have dealt with this. Thank you for letting us know."),
    gettext_noop("We have passed this to the team."),
    gettext_noop("We have sent our specialist contractor to clear this."),
    gettext_noop(
        "We have sent you our response, which explains why we cannot provide the information."
    ),
    gettext_noop("We have sent you our response."),
    gettext_noop(
        "We have sent you our stage 2 reply. If you are still unhappy you can contact the Local "
        "Government and Social Care Ombudsman."
    ),
    gettext_noop("We have sent you the personal information we hold about you."),
    gettext_noop("We have verified your identity and are gathering your information."),
    gettext_noop("We looked into this and there is nothing more we need to do."),
    gettext_noop("Your application has been accepted. We are finding you a garage."),
    gettext_noop(
        "Your brown bin has been delivered. Collections start on your next garden waste day."
    ),
    gettext_noop("Your collection is booked. Please put the items out by 7am."),
    gettext_noop("Your complaint is closed. Thank you for telling us."),
    gettext_noop("Your garage tenancy has started."),
    gettext_noop("Your items have been collected."),
    gettext_noop("Your subscription is set up. We will deliver your brown bin."),
    gettext_noop("We are still looking for a garage for you. Thank you for your patience."),
    gettext_noop("We are sorry we have not called you back yet. We will call you soon."),
    gettext_noop("We are sorry this is taking longer than we hoped. It is now a priority."),
    gettext_noop("We are sorry: we need a little more time to reply to your complaint."),
    gettext_noop("We are sorry: we need a little more time to finish the review."),
    gettext_noop("We are sorry: we need a little more time to answer your request."),
    gettext_noop("We are sorry: we need a little more time to send your information."),
    gettext_noop("We are sorry: your brown bin delivery is taking longer than planned."),
]


def resident_words(case: Case, text: str) -> str:
    """A process's words to the case's resident, in the resident's language where the
    catalogue has them."""
    if not text:
        return text
    with translation.override(case_language(case)):
        return gettext(text)
