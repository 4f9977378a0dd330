"""The settings page's "Permit" section (issue 19): the rules a council sets for a service
that sells permits (number, period, reminder, refunds), checked by the same rules as a
service file's (`builder.checks.permit_rules_problems`)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.builder.checks import permit_rules_problems
from townhall.builder.exchange import permit_defaults

SELLS_CHOICES = [("no", _("No")), ("yes", _("Yes, it sells permits"))]
PERIOD_START_CHOICES = [
    ("paid", _("From the day it is paid")),
    ("fixed", _("From the council's yearly start date")),
]
# Whole numbers: field, label, hint.
PERMIT_NUMBERS = {
    "period_months": (_("How long a permit lasts, in months"), _("Usually 12. From 1 to 36.")),
    "year_start_day": (
        _("Yearly start date: day"),
        _("Only when periods start on the council's yearly start date. Like 1."),
    ),
    "year_start_month": (
        _("Yearly start date: month"),
        _("A number from 1 to 12, like 4 for April."),
    ),
    "reminder_days_before": (
        _("Send the renewal reminder, days before a permit ends"),
        _("Like 28. Must be within the period."),
    ),
    "refund_none_last_months": (
        _("No refund in the last months of a period"),
        _(
            "Like 2: a permit cancelled with 2 months or less left gets nothing back. "
            "0 to refund to the end."
        ),
    ),
}
PERMIT_ANSWERS = {
    "quantity_field": (
        _("Question saying how many"),
        _("The question ID whose answer is how many (bins, cars), like bins."),
    ),
    "concession_field": (
        _("Question saying whether a concession applies (optional)"),
        _("The question ID whose yes answer means a concession, like concession."),
    ),
    "address_field": (
        _("Question giving the address"),
        _("The question ID whose answer is the permit's address, like address."),
    ),
}
# The page's field for each rule in the file, to show a rule's problem on its field.
FIELD_OF_RULE = {
    "number_prefix": "permit_number_prefix",
    "period_start": "permit_period_start",
    "refund_admin_fee_pence": "permit_refund_admin_fee",
    **{key: f"permit_{key}" for key in [*PERMIT_NUMBERS, *PERMIT_ANSWERS]},
}


class PermitFields(forms.Form):
    """The fields, their values from the service file's data, and the data they set."""

    def _permit_add(self) -> None:
        self.fields["permit_sells"] = forms.ChoiceField(
            label=_("Does the service sell permits?"),
            help_text=_(
                "Yearly subscriptions paid for through the form, like garden waste bins "
                "or resident parking. Each paid request is given a numbered permit."
            ),
            choices=SELLS_CHOICES,
            widget=forms.RadioSelect,
            # Not posted at all (a client older than the section): the rules stay as they are.
            required=False,
            error_messages={"invalid_choice": _("Choose whether the service sells permits")},
        )
        self.fields["permit_number_prefix"] = forms.CharField(
            label=_("Permit number prefix"),
            help_text=_(
                "2 to 4 capital letters or digits, starting with a letter, like GWP: "
                "numbers then read GWP-2027-000123. Not the service's reference prefix."
            ),
            required=False,
            max_length=10,
            error_messages={"max_length": _("The permit number prefix must be 2 to 4 characters")},
        )
        self.fields["permit_period_start"] = forms.ChoiceField(
            label=_("When does a permit's period start?"),
            choices=PERIOD_START_CHOICES,
            widget=forms.RadioSelect,
            required=False,
            error_messages={"invalid_choice": _("Choose when a permit's period starts")},
        )
        for key, (label, hint) in PERMIT_NUMBERS.items():
            self.fields[f"permit_{key}"] = forms.IntegerField(
                label=label,
                help_text=hint,
                required=False,
                min_value=-10_000,
                max_value=10_000,
                error_messages={
                    "invalid": gettext("Enter a whole number for ‘%(setting)s’")
                    % {"setting": str(label).lower()},
                    "min_value": gettext("Enter a larger number for ‘%(setting)s’")
                    % {"setting": str(label).lower()},
                    "max_value": gettext("Enter a smaller number for ‘%(setting)s’")
                    % {"setting": str(label).lower()},
                },
            )
        self.fields["permit_refund_admin_fee"] = forms.CharField(
            label=_("Admin fee taken from a refund, in pounds"),
            help_text=_("Like 10.00. Enter 0 for none."),
            required=False,
        )
        for key, (label, hint) in PERMIT_ANSWERS.items():
            self.fields[f"permit_{key}"] = forms.CharField(
                label=label,
                help_text=hint,
                required=False,
                max_length=60,
                error_messages={
                    "max_length": gettext("The %(setting)s must be 60 characters or fewer")
                    % {"setting": str(label).lower()}
                },
            )
        self.fields["permit_garden_waste"] = forms.BooleanField(
            label=_("Garden waste rounds collect from the addresses of its permits"), required=False
        )

    def permit_groups(self) -> dict[str, Any]:
        """The section's fields as the template lays them out."""
        return {
            "sells": self["permit_sells"],
            "prefix": self["permit_number_prefix"],
            "period_start": self["permit_period_start"],
            "period": [self[f"permit_{key}"] for key in PERMIT_NUMBERS],
            "admin_fee": self["permit_refund_admin_fee"],
            "answers": [self[f"permit_{key}"] for key in PERMIT_ANSWERS],
            "garden_waste": self["permit_garden_waste"],
        }

    @staticmethod
    def permit_initial(data: dict[str, Any]) -> dict[str, Any]:
        permit = data.get("permit")
        shown = {**permit_defaults(), "number_prefix": "", **(permit or {})}
        initial: dict[str, Any] = {
            "permit_sells": "yes" if permit else "no",
            "permit_garden_waste": shown["garden_waste"],
            "permit_refund_admin_fee": f"{Decimal(shown['refund_admin_fee_pence']) / 100:.2f}",
        }
        for key in ["number_prefix", "period_start", *PERMIT_NUMBERS, *PERMIT_ANSWERS]:
            initial[f"permit_{key}"] = shown[key]
        return initial

    def _permit_value(self) -> dict[str, Any] | None:
        cleaned = self.cleaned_data
        if cleaned.get("permit_sells") != "yes":
            return None
        defaults = permit_defaults()
        value: dict[str, Any] = {
            "number_prefix": cleaned.get("permit_number_prefix", "").strip(),
            "period_start": cleaned.get("permit_period_start") or defaults["period_start"],
        }
        for key in PERMIT_NUMBERS:
            number = cleaned.get(f"permit_{key}")
            value[key] = defaults[key] if number is None else number
        value["refund_admin_fee_pence"] = cleaned.get("permit_refund_admin_fee", 0)
        for key in PERMIT_ANSWERS:
            value[key] = cleaned.get(f"permit_{key}", "").strip()
        value["garden_waste"] = bool(cleaned.get("permit_garden_waste"))
        return value

    def permit_clean(self, *, reference_prefix: str) -> None:
        """Refuse permit rules the service file import would refuse, each on its field."""
        if self.cleaned_data.get("permit_sells") != "yes":
            return
        if not self.cleaned_data.get("permit_number_prefix", "").strip():
            self.add_error("permit_number_prefix", _("Enter the permit number prefix, like GWP"))
        for key, (label, _hint) in PERMIT_ANSWERS.items():
            if key != "concession_field" and not self.cleaned_data.get(f"permit_{key}", ""):
                self.add_error(
                    f"permit_{key}",
                    gettext("Enter the %(setting)s") % {"setting": str(label).lower()},
                )
        if self.errors:
            return
        value = self._permit_value()
        assert value is not None  # noqa: S101 (sells is yes) # nosec B101
        for reason in permit_rules_problems(value, reference_prefix=reference_prefix):
            place, _sep, message = reason.partition(": ")
            field = FIELD_OF_RULE.get(place.removeprefix("/permit/"), "permit_sells")
            self.add_error(field, message[0].upper() + message[1:])

    def clean_permit_refund_admin_fee(self) -> int:
        text = self.cleaned_data.get("permit_refund_admin_fee", "").strip()
        text = text.removeprefix("£").replace(",", "")
        if not text:
            return 0
        try:
            amount = Decimal(text)
        except ArithmeticError:
            amount = Decimal("NaN")
        exponent = amount.as_tuple().exponent
        if not amount.is_finite() or not isinstance(exponent, int) or exponent < -2:
            raise ValidationError(_("Enter the admin fee in pounds, like 10.00"))
        if abs(amount) > 10_000:
            raise ValidationError(_("Enter an admin fee of £10,000 or less"))
        # A negative fee is let through so the refund rule's own check names it.
        return int(amount * 100)

    def permit_changes(self, data: dict[str, Any]) -> dict[str, Any]:
        """The file's permit rules: left out for a service that never sold permits, so its
        file stays as it was."""
        if not self.cleaned_data.get("permit_sells"):
            return {}
        value = self._permit_value()
        if value is not None:
            return {"permit": value}
        return {"permit": None} if data.get("permit") else {}
