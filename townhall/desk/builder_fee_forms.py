"""The fees page's Django forms: they carry what a designer typed; whether it makes a rule is
builder.fee_editing's rule, whose reasons are put back on the fields they name. The label
has its Welsh beside it; option prices are one input per option of each question with
options (only those of the question chosen are read), so the page works without JavaScript."""

from typing import Any, cast

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.builder.fee_editing import (
    KINDS,
    FeeEditRefused,
    fee_questions,
    question_options,
)
from townhall.desk.form_builder_forms import DraftForm
from townhall.desk.forms import DeskForm
from townhall.eforms.fees import DISCOUNT, FIXED, PER_ITEM, PER_OPTION

# The fields each kind of rule shows, after the label and its Welsh.
KIND_FIELDS = {
    FIXED: ["amount", "when_field", "when_value"],
    PER_ITEM: ["field", "amount", "included", "cap", "when_field", "when_value"],
    PER_OPTION: ["field", "prices", "when_field", "when_value"],
    DISCOUNT: ["percent", "when_field", "when_value"],
}


def _text(label: Any, hint: Any = "", limit: int = 100) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=limit,
        error_messages={
            "max_length": format_lazy(
                _("{label} must be {limit} characters or fewer"), label=label, limit=limit
            )
        },
    )


class FeeKindForm(DeskForm):
    """The first step of adding a rule: what it charges (a GET form: nothing is written)."""

    kind = forms.ChoiceField(
        label=_("What does the rule charge?"),
        choices=list(KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what the rule charges"),
            "invalid_choice": _("Choose what the rule charges"),
        },
    )


class FeeRuleForm(DraftForm):
    """One rule's fields, for the kind chosen; `definition`: the draft's form."""

    label = _text(
        _("Label"), _("What residents see on check answers, like ‘Collection of up to 3 items’.")
    )
    label_cy = _text("Label (Cymraeg)", _("Welsh may be left empty for now."))
    amount = _text(_("Amount, in pounds"), limit=20)
    field = forms.ChoiceField(label=_("The question it reads"), required=False)
    included = _text(_("Items included, not charged by this rule (optional)"), limit=6)
    cap = _text(_("The most it charges, in pounds (optional)"), limit=20)
    percent = _text(_("Discount, in percent"), _("50 halves the fee."), limit=4)
    when_field = forms.ChoiceField(label=_("When the answer to (optional)"), required=False)
    when_value = _text(
        _("is"), _("An option's value (yes or no for a yes/no question), or a number."), limit=200
    )

    def __init__(
        self, *args: Any, kind: str, definition: dict[str, Any] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.definition = definition
        if kind == PER_ITEM:
            self.fields["amount"].label = gettext("Amount for each item, in pounds")
        questions = fee_questions(definition, kind)
        cast(forms.ChoiceField, self.fields["field"]).choices = [
            ("", gettext("Choose a question")),
            *questions,
        ]
        cast(forms.ChoiceField, self.fields["when_field"]).choices = [
            ("", gettext("Always (no condition)")),
            *fee_questions(definition, ""),
        ]
        self.price_groups: list[tuple[str, str, list[str]]] = []
        if kind == PER_OPTION:
            for name, label in questions:
                names = []
                for number, (value, option) in enumerate(question_options(definition, name), 1):
                    key = f"price-{name}-{number}"
                    self.fields[key] = _text(
                        gettext("%(option)s (%(value)s), in pounds")
                        % {"option": option, "value": value},
                        limit=20,
                    )
                    self.fields[key].option_value = value  # type: ignore[attr-defined]
                    names.append(key)
                self.price_groups.append((name, label, names))
        shown = {"label", "label_cy", "revision", *KIND_FIELDS.get(kind, [])}
        for name in list(self.fields):
            if not name.startswith("price-") and name not in shown:
                del self.fields[name]

    @staticmethod
    def initial_from(values: dict[str, Any], definition: dict[str, Any] | None) -> dict[str, Any]:
        """The form's values from `fee_editing.fee_rule_values`."""
        initial = {k: v for k, v in values.items() if k != "prices"}
        for number, (value, _label) in enumerate(question_options(definition, values["field"]), 1):
            if value in values["prices"]:
                initial[f"price-{values['field']}-{number}"] = values["prices"][value]
        return initial

    def values(self) -> dict[str, Any]:
        """What fee_editing.fee_rule_make reads: prices of the question chosen only."""
        data = dict(self.cleaned_data)
        chosen = data.get("field", "")
        prefix = f"price-{chosen}-"
        data["prices"] = {
            self.fields[name].option_value: data[name]  # type: ignore[attr-defined]
            for name in self.fields
            if name.startswith(prefix) and data.get(name, "").strip()
        }
        return data

    def price_fields(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [
            (name, label, [self[key] for key in keys]) for name, label, keys in self.price_groups
        ]

    def refused(self, error: FeeEditRefused) -> None:  # type: ignore[override]
        """Put fee_editing's reasons on the fields they name (prices on the chosen
        question's first price), the rest on the form."""
        for key, message in error.errors.items():
            if key == "prices":
                chosen = self.cleaned_data.get("field", "")
                key = next((k for k in self.fields if k.startswith(f"price-{chosen}-")), "field")
            self.add_error(key if key in self.fields else None, message)


class FeeTryForm(DeskForm):
    """The "Try it" box: an answer to each question the rules read (a GET form)."""

    def __init__(self, *args: Any, questions: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name, label = f"try-{question['name']}", question.get("label") or question["name"]
            options = question_options({"pages": [{"fields": [question]}]}, question["name"])
            if question["type"] == "checkboxes":
                self.fields[name] = forms.MultipleChoiceField(
                    label=label,
                    choices=options,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            elif options:
                self.fields[name] = forms.ChoiceField(
                    label=label, choices=[("", gettext("Not answered")), *options], required=False
                )
            else:
                self.fields[name] = forms.CharField(label=label, required=False, max_length=200)

    def typed(self) -> dict[str, list[str]]:
        """Each question's values as typed, for fee_editing.try_answers."""
        found: dict[str, list[str]] = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"try-{question['name']}")
            found[question["name"]] = value if isinstance(value, list) else [str(value or "")]
        return found
