"""The settings page's process and notifications (issue 16: a whole service in the browser):
the process every new case runs, chosen from those live and those of the default library,
and the service's own GOV.UK Notify template for each event residents are told about."""

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.builder.selectors import process_choices, process_file_data

# The case events residents are told about (cases.notifications.NOTIFYING_KINDS), and the
# channels a service may name its own template for, in English and Welsh (letters keep the
# generic one here, or what the service file names).
NOTIFY_EVENTS = {
    "created": _("When a request is received"),
    "status_changed": _("When its status changes"),
    "public_note": _("When a note for the resident is added"),
}
# English and Welsh side by side: a Welsh template is used for residents who asked in Welsh.
NOTIFY_CHANNELS = {
    "email": _("Email template ID"),
    "email_cy": _("Welsh email template ID"),
    "sms": _("Text message template ID"),
    "sms_cy": _("Welsh text message template ID"),
}


def _process_key(process: dict[str, Any] | None) -> str:
    if not process:
        return ""
    return str(process.get("library") or process.get("key") or "")


def _template_id_check(value: str) -> None:
    if not value.strip():
        return
    try:
        uuid.UUID(value.strip())
    except ValueError:
        raise ValidationError(
            _(
                "Enter the template ID as GOV.UK Notify shows it, like "
                "f33517ff-2a88-4f6e-b855-c550268ce08a"
            )
        ) from None


class ProcessNotifyFields(forms.Form):
    """The fields, their values from the service file's data, and the data they set."""

    def _process_notify_add(self, process_now: dict[str, Any] | None) -> None:
        live, library = process_choices()
        now = _process_key(process_now)
        known = {key for key, _ in live + library}
        choices: list[Any] = [("", gettext("None: cases run no process"))]
        if now and now not in known:
            # A process written out in the draft (an import, say) and not live: kept as is.
            name = str((process_now or {}).get("name") or now)
            choices.append((gettext("This draft's own"), [(now, name)]))
        if live:
            choices.append((gettext("Live processes"), live))
        if library:
            choices.append((gettext("From the library"), library))
        self.fields["process"] = forms.ChoiceField(
            label=_("Process"),
            help_text=_(
                "What every new case runs: its work items, timers and decisions. "
                "Information services and eligibility checkers have none."
            ),
            choices=choices,
            required=False,
            error_messages={"invalid_choice": _("Choose a process from the list")},
        )
        for event in NOTIFY_EVENTS:
            for channel, label in NOTIFY_CHANNELS.items():
                self.fields[f"notify_{event}_{channel}"] = forms.CharField(
                    label=label, required=False, max_length=100, validators=[_template_id_check]
                )

    @staticmethod
    def process_notify_initial(data: dict[str, Any]) -> dict[str, Any]:
        initial = {"process": _process_key(data.get("process"))}
        templates = data.get("notify_templates") or {}
        for event in NOTIFY_EVENTS:
            for channel in NOTIFY_CHANNELS:
                initial[f"notify_{event}_{channel}"] = templates.get(event, {}).get(channel, "")
        return initial

    def notify_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [
            (label, [self[f"notify_{event}_{channel}"] for channel in NOTIFY_CHANNELS])
            for event, label in NOTIFY_EVENTS.items()
        ]

    def process_notify_changes(self, data: dict[str, Any]) -> dict[str, Any]:
        """`process` and `notify_templates` of the service file, over `data`'s: the draft's
        process kept as it is when the same one is chosen, else the chosen one's file data;
        blank template IDs left out (the generic template), letters' kept."""
        chosen = self.cleaned_data.get("process") or ""
        now = data.get("process")
        process = now if chosen and chosen == _process_key(now) else None
        if chosen and process is None:
            process = process_file_data(chosen)
        templates: dict[str, dict[str, str]] = {}
        for event, kept in (data.get("notify_templates") or {}).items():
            rest = {c: v for c, v in kept.items() if c not in NOTIFY_CHANNELS}
            if rest:
                templates[event] = rest
        for event in NOTIFY_EVENTS:
            for channel in NOTIFY_CHANNELS:
                value = (self.cleaned_data.get(f"notify_{event}_{channel}") or "").strip()
                if value:
                    templates.setdefault(event, {})[channel] = str(uuid.UUID(value))
        return {"process": process, "notify_templates": templates}
