"""The waste pages' forms: a view checks its form, then makes one waste service call."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from townhall.waste.imports import DEFAULT_COLUMNS
from townhall.waste.models import Round, RoundChange

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]
DATE_HINT = _("For example, 28/12/2026")


class DeskForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)


class RoundForm(DeskForm):
    crew = forms.CharField(
        label=_("Crew"), max_length=60, error_messages={"required": _("Enter the crew")}
    )
    weekday = forms.TypedChoiceField(
        label=_("Collection day"), choices=Round.Weekday.choices, coerce=int
    )
    frequency = forms.ChoiceField(label=_("How often"), choices=Round.Frequency.choices)
    week = forms.ChoiceField(
        label=_("Week of the fortnight"),
        choices=[("", _("Not fortnightly")), ("A", _("Week A")), ("B", _("Week B"))],
        required=False,
        help_text=_("Fortnightly rounds only"),
    )
    crew_finish_time = forms.TimeField(
        label=_("Crew finish time"),
        help_text=_("When the crew should have finished, for example 15:30"),
        error_messages={
            "invalid": _("Enter a time like 15:30"),
            "required": _("Enter a time like 15:30"),
        },
    )


class RoundChangeForm(DeskForm):
    day = forms.DateField(
        label=_("Collection day that changes"),
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        error_messages={
            "invalid": _("Enter a date like 28/12/2026"),
            "required": _("Enter the date"),
        },
    )
    kind = forms.ChoiceField(
        label=_("What changes"),
        choices=RoundChange.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what changes")},
    )
    new_date = forms.DateField(
        label=_("New day (if moved)"),
        input_formats=DATE_FORMATS,
        required=False,
        help_text=DATE_HINT,
        error_messages={"invalid": _("Enter a date like 29/12/2026")},
    )
    crew = forms.CharField(
        label=_("Crew that day (if another crew)"), max_length=60, required=False
    )
    reason = forms.CharField(
        label=_("Reason residents will see"),
        max_length=200,
        error_messages={"required": _("Enter the reason residents will see")},
    )


class RoundsImportForm(DeskForm):
    extract = forms.FileField(
        label=_("Round extract (CSV)"),
        help_text=_("One row per address served by a round"),
        error_messages={"required": _("Choose a CSV file")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, heading in DEFAULT_COLUMNS.items():
            self.fields[f"column_{name}"] = forms.CharField(
                label=format_lazy(_("Column for {name}"), name=name),
                initial=heading,
                max_length=60,
                required=False,
            )

    def columns(self) -> dict[str, str]:
        return {
            name: (self.cleaned_data.get(f"column_{name}") or "").strip()
            for name in DEFAULT_COLUMNS
        }

    def clean_extract(self) -> str:
        upload = self.cleaned_data["extract"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The extract must be smaller than 20 MB"))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The extract must be a CSV file saved as UTF-8")
            ) from None


class AddressFindForm(DeskForm):
    q = forms.CharField(
        label=_("Find an address"),
        max_length=100,
        help_text=_("A UPRN, a postcode or a street address"),
        error_messages={"required": _("Enter a UPRN, postcode or address")},
    )
