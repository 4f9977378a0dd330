"""The settings page's "not ours" (issue 17 point 3): the council responsible for the service
and how reports are handed on to them, checked by the same rules as a service file's."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.catalogue.hand_on import hand_on_clean, hand_on_problems

METHOD_CHOICES = [
    ("", _("Ours: no hand-on")),
    ("open311", _("Hand each report on by Open311")),
    ("email", _("Hand each report on by email")),
    ("link", _("Send residents to their page (no case)")),
]
# Each setting's field, label and hint.
HAND_ON_FIELDS: dict[str, tuple[Any, Any]] = {
    "responsible": (_("Council responsible"), _("Like Kent County Council.")),
    "endpoint": (
        _("Open311 address"),
        _("Their GeoReport v2 base address, like https://county.example/open311/v2."),
    ),
    "service_code": (_("Their Open311 service code"), ""),
    "jurisdiction_id": (_("Their jurisdiction ID (optional)"), ""),
    "api_key_secret": (
        _("Name of the secret holding their API key"),
        _("The server setting that holds the key, like KENT_OPEN311_API_KEY. Never the key."),
    ),
    "address": (_("Their email address"), ""),
    "url": (_("Their page for this report"), _("A full web address starting https://.")),
}


class HandOnFields(forms.Form):
    """The fields, their values from the service file's data, and the data they set."""

    def _hand_on_add(self) -> None:
        self.fields["hand_on_method"] = forms.ChoiceField(
            label=_("Who deals with these reports"),
            choices=METHOD_CHOICES,
            required=False,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Choose how reports are handed on")},
        )
        for key, (label, hint) in HAND_ON_FIELDS.items():
            self.fields[f"hand_on_{key}"] = forms.CharField(
                label=label,
                help_text=hint,
                required=False,
                max_length=500,
                error_messages={
                    "max_length": gettext("The %(setting)s must be 500 characters or fewer")
                    % {"setting": str(label).lower()}
                },
            )

    def hand_on_fields(self) -> list[Any]:
        return [self[f"hand_on_{key}"] for key in HAND_ON_FIELDS]

    @staticmethod
    def hand_on_initial(data: dict[str, Any]) -> dict[str, Any]:
        hand_on = data.get("hand_on") or {}
        initial = {"hand_on_method": hand_on.get("method", "")}
        for key in HAND_ON_FIELDS:
            initial[f"hand_on_{key}"] = hand_on.get(key, "")
        return initial

    def _hand_on_value(self) -> dict[str, str]:
        cleaned = self.cleaned_data
        method = cleaned.get("hand_on_method") or ""
        if not method:
            return {}
        wanted = {
            "open311": ["endpoint", "service_code", "jurisdiction_id", "api_key_secret"],
            "email": ["address"],
            "link": ["url"],
        }[method]
        return hand_on_clean(
            {
                "responsible": cleaned.get("hand_on_responsible", ""),
                "method": method,
                **{key: cleaned.get(f"hand_on_{key}", "") for key in wanted},
            }
        )

    def hand_on_clean(self) -> None:
        """Refuse a hand-on the service file import would refuse, on its field."""
        if self.errors.get("hand_on_method"):
            return
        value = self._hand_on_value()
        for reason in hand_on_problems(value):
            place, _sep, message = reason.partition(": ")
            key = place.removeprefix("/hand_on/").removeprefix("/hand_on")
            field = f"hand_on_{key}" if key in HAND_ON_FIELDS else "hand_on_method"
            label = HAND_ON_FIELDS[key][0] if key in HAND_ON_FIELDS else gettext("Hand-on")
            if message.startswith("missing"):
                message = gettext("Enter the %(setting)s") % {"setting": str(label).lower()}
            self.add_error(field, message[0].upper() + message[1:])

    def hand_on_changes(self, data: dict[str, Any]) -> dict[str, Any]:
        """The file's hand_on: left out for a service of ours that never had one, so its
        file stays as it was."""
        value = self._hand_on_value()
        if value:
            return {"hand_on": value}
        return {"hand_on": None} if data.get("hand_on") else {}
