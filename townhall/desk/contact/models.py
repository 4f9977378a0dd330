import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.models import Channel

# A fee due moved to payments, which owns its state; still named here for older imports.
from townhall.payments.models import FeeDue  # noqa: F401


class ContactLog(models.Model):
    """One contact with a caller (a call, a visit to the customer centre), with why they got
    in touch and what came of it. Avoidable contacts (chasing, could have self-served) are
    flagged with their reason, for the channel-shift figures."""

    class ContactChannel(models.TextChoices):
        PHONE = Channel.PHONE.value, Channel.PHONE.label
        FACE_TO_FACE = Channel.FACE_TO_FACE.value, Channel.FACE_TO_FACE.label
        EMAIL = Channel.EMAIL.value, Channel.EMAIL.label

    class Reason(models.TextChoices):
        NEW_REQUEST = "new_request", _("To make a new request")
        PROGRESS = "progress", _("To chase or ask about a request")
        INFORMATION = "information", _("To ask for information")
        PAYMENT = "payment", _("To make a payment")
        COMPLAINT = "complaint", _("To complain")
        OTHER = "other", _("Something else")

    class Outcome(models.TextChoices):
        REQUEST_RAISED = "request_raised", _("Request raised")
        ANSWERED = "answered", _("Question answered")
        PROGRESS_GIVEN = "progress_given", _("Progress update given")
        TRANSFERRED = "transferred", _("Transferred to a department")
        CALL_BACK = "call_back", _("Call back arranged")
        UNRESOLVED = "unresolved", _("Not resolved")

    class AvoidableReason(models.TextChoices):
        CHASING = "chasing", _("Chasing progress the caller could have tracked online")
        COULD_SELF_SERVE = "could_self_serve", _("Could have done it online")
        WEBSITE_UNCLEAR = "website_unclear", _("The website was unclear")
        REPEAT = "repeat", _("Repeat call about the same thing")
        WRONG_ORGANISATION = "wrong_organisation", _("Not a council matter")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts_handled"
    )
    # The caller's account when they have one; otherwise the name they gave.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    caller_name = models.CharField(max_length=150, blank=True)
    channel = models.CharField(max_length=20, choices=ContactChannel.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    avoidable_reason = models.CharField(max_length=30, choices=AvoidableReason.choices, blank=True)
    notes = models.TextField(blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    # The form's one-time key: a double click or a resent form records one contact, not two.
    idempotency_key = models.UUIDField(unique=True, default=uuid.uuid4)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_channel_display()} {self.get_reason_display()}"

    @property
    def is_avoidable(self) -> bool:
        return bool(self.avoidable_reason)
