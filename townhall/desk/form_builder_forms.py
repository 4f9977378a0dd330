"""The form builder's Django forms: they read what a designer typed (numbers as numbers, a
choice from the list); whether the question, page or branch makes sense is form_editing's
rule, whose reasons are put back on the fields they name. Every text has its Welsh beside it,
labelled in Welsh (`<name>_cy`). Each carries the draft revision the page was read at."""

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.builder.form_editing import BRANCH_OPS
from townhall.builder.form_questions import ANSWER_TYPES, FormEditRefused
from townhall.desk.forms import DeskForm

# The Welsh label beside each English one: Welsh words, so that a label asked for by its
# English name ("Question") names one input only.
WELSH = " (Cymraeg)"
WELSH_HINT = _("Welsh may be left empty for now.")
EMPTY_BRANCH_ROWS = 2


def _text(label: Any, *, textarea: bool = False, hint: Any = "", limit: int = 0) -> forms.Field:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        strip=True,
        widget=forms.Textarea if textarea else forms.TextInput,
        max_length=limit or None,
        error_messages={
            "max_length": format_lazy(
                _("{label} must be {limit} characters or fewer"), label=label, limit=f"{limit:,}"
            )
        },
    )


def _welsh(label: str, *, textarea: bool = False, limit: int = 0) -> forms.Field:
    return _text(label + WELSH, textarea=textarea, hint=WELSH_HINT, limit=limit)


class DraftForm(DeskForm):
    """A change to the draft, carrying the revision of the draft the designer was shown."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def draft_revision(self) -> int:
        # A missing or mangled revision can only be treated as out of date.
        revision = self.cleaned_data.get("revision")
        return -1 if revision is None else revision

    def refused(self, error: FormEditRefused) -> None:
        """Put the edit's reasons on the fields they name (others on the form)."""
        for key, message in error.errors.items():
            self.add_error(key if key in self.fields else None, message)

    def conflicted(self, message: str, revision: int) -> None:
        """Someone saved first: say so, and carry their revision so saving again applies
        what this designer typed (kept in the bound form) on top of theirs."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data["revision"] = str(revision)
        self.data = data
        self.add_error(
            None,
            gettext("%(message)s Nothing you typed is lost: check it and save again.")
            % {"message": message},
        )


class PageForm(DraftForm):
    title = _text(
        _("Page title (optional)"),
        limit=200,
        hint=_("With one question, leave it empty: the question is the page's heading."),
    )
    title_cy = _welsh("Teitl y dudalen", limit=200)
    intro = _text(
        _("Introduction (optional)"),
        textarea=True,
        hint=_("Shown above the questions. Separate paragraphs with a blank line."),
    )
    intro_cy = _welsh("Cyflwyniad", textarea=True)

    def __init__(self, *args: Any, with_intro: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_intro:
            del self.fields["intro"], self.fields["intro_cy"]


class BranchesForm(DraftForm):
    """Where the page goes next: rows of "if <answer to> <is> <this> go to <page>", then
    "otherwise". Labels avoid the word 'question', which names the question page's input."""

    def __init__(
        self,
        *args: Any,
        questions: list[tuple[str, str]],
        targets: list[tuple[str, str]],
        rows: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for n in range(1, rows + 1):
            self.fields[f"rule-{n}-question"] = forms.ChoiceField(
                label=_("If the answer to"),
                choices=[("", gettext("Choose")), *questions],
                required=False,
            )
            self.fields[f"rule-{n}-op"] = forms.ChoiceField(
                label=_("Is, is not or contains"), choices=list(BRANCH_OPS.items()), required=False
            )
            self.fields[f"rule-{n}-value"] = forms.CharField(
                label=_("This answer"), required=False, max_length=200
            )
            self.fields[f"rule-{n}-goto"] = forms.ChoiceField(
                label=_("Go to"), choices=[("", gettext("Choose")), *targets], required=False
            )
        self.fields["otherwise"] = forms.ChoiceField(
            label=_("Otherwise go to"),
            choices=[("", gettext("The next page in order")), *targets],
            required=False,
        )

    def row_fields(self) -> list[tuple[int, list[forms.BoundField]]]:
        parts = ("question", "op", "value", "goto")
        return [(n, [self[f"rule-{n}-{part}"] for part in parts]) for n in range(1, self.rows + 1)]

    def rules(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        rules = [
            {part: data.get(f"rule-{n}-{part}") or "" for part in ("question", "value", "goto")}
            for n in range(1, self.rows + 1)
        ]
        # "is" when the comparison was left as it was.
        for n, rule in enumerate(rules, start=1):
            rule["op"] = data.get(f"rule-{n}-op") or "eq"
        return rules

    def refused(self, error: FormEditRefused) -> None:
        for key, message in error.errors.items():
            target = f"{key}-question" if key.startswith("rule-") else key
            self.add_error(target if target in self.fields else None, message)


def _whole(number: float | None) -> float | int | None:
    return int(number) if number is not None and number.is_integer() else number


class QuestionForm(DraftForm):
    label = _text(_("Question"), limit=300)
    label_cy = _welsh("Cwestiwn", limit=300)
    answer_type = forms.ChoiceField(
        label=_("Answer type"),
        choices=ANSWER_TYPES,
        widget=forms.RadioSelect,
        required=False,
    )
    hint = _text(
        _("Hint (optional)"), limit=500, hint=_("Help to answer, shown under the question.")
    )
    hint_cy = _welsh("Awgrym", limit=500)
    required = forms.BooleanField(label=_("Required"), required=False)
    min_length = forms.IntegerField(
        label=_("Shortest answer, in characters (optional)"),
        required=False,
        min_value=1,
        max_value=10000,
        error_messages={"invalid": _("Enter the shortest answer as a whole number, like 5")},
    )
    max_length = forms.IntegerField(
        label=_("Longest answer, in characters (optional)"),
        required=False,
        min_value=1,
        max_value=10000,
        error_messages={"invalid": _("Enter the longest answer as a whole number, like 500")},
    )
    pattern = _text(
        _("Pattern the answer must match (optional)"),
        limit=200,
        hint=_("A regular expression for the whole answer, like [A-Z]{2}[0-9]{4}"),
    )
    pattern_error = _text(
        _("Error message when the answer does not match"),
        limit=200,
        hint=_("Say what to enter, like: Enter the permit number, like GW1234"),
    )
    pattern_error_cy = _welsh("Neges gwall", limit=200)
    min = forms.FloatField(
        label=_("Smallest number (optional)"),
        required=False,
        error_messages={"invalid": _("Enter the smallest number as a number, like 1")},
    )
    max = forms.FloatField(
        label=_("Largest number (optional)"),
        required=False,
        error_messages={"invalid": _("Enter the largest number as a number, like 20")},
    )
    integer = forms.BooleanField(label=_("Whole numbers only"), required=False)
    date_range = forms.ChoiceField(
        label=_("The date must be"),
        choices=[
            ("any", _("Any date")),
            ("past", _("Today or in the past")),
            ("future", _("Today or in the future")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    options = _text(_("Options, one on each line"), textarea=True)
    options_cy = _welsh("Dewisiadau, un ar bob llinell", textarea=True)
    address_field = forms.ChoiceField(
        label=_("Offer the dates of the area of"),
        help_text=_("The address question, asked before this one, whose area's slots are offered."),
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Select an address question asked before this one")},
    )
    units_field = forms.ChoiceField(
        label=_("Places each booking takes"),
        help_text=_(
            "A number question asked before this one can count them, like items collected."
        ),
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Select a number question asked before this one")},
    )

    def __init__(self, *args: Any, earlier: list[dict] | None = None, **kwargs: Any) -> None:
        """`earlier`: the questions asked before this one, for a slot question's address
        and number."""
        super().__init__(*args, **kwargs)
        earlier = earlier or []
        slot_inputs = (
            ("address_field", "address", gettext("The first address question before it")),
            ("units_field", "number", gettext("One place a booking")),
        )
        for key, kind, default in slot_inputs:
            choice = self.fields[key]
            choice.choices = [("", default)] + [  # type: ignore[attr-defined]
                (f["name"], gettext("The answer to: %(label)s") % {"label": f["label"]})
                for f in earlier
                if f["type"] == kind
            ]
            choice.initial = ""

    def answer(self) -> dict[str, Any]:
        """What form_editing.question_field reads."""
        data = dict(self.cleaned_data)
        data["min"], data["max"] = _whole(data.get("min")), _whole(data.get("max"))
        return data


class WordingForm(DraftForm):
    title = _text(_("Form title"), limit=120)
    title_cy = _welsh("Teitl y ffurflen", limit=120)
    start_body = _text(
        _("Start page (optional)"),
        textarea=True,
        hint=_(
            "What the service is for and what people need before they start. "
            "Separate paragraphs with a blank line."
        ),
    )
    start_body_cy = _welsh("Tudalen gychwyn", textarea=True)
    check_heading = _text(
        _("Check answers heading (optional)"),
        limit=200,
        hint=_("Without one: Check your answers before sending your request"),
    )
    check_heading_cy = _welsh("Pennawd gwirio atebion", limit=200)
    check_intro = _text(_("Check answers text (optional)"), textarea=True)
    check_intro_cy = _welsh("Testun gwirio atebion", textarea=True)
    confirmation = _text(
        _("Confirmation (optional)"),
        textarea=True,
        hint=_("Shown once the form is sent: what happens next."),
    )
    confirmation_cy = _welsh("Cadarnhad", textarea=True)


class LinesField(forms.CharField):
    """A text box whose lines are read by their place: kept as typed, and a first empty line
    survives being shown again (a browser drops one newline right after <textarea>)."""

    def __init__(self, *, label: Any, hint: Any, limit: int) -> None:
        super().__init__(
            label=label,
            help_text=hint,
            required=False,
            strip=False,
            max_length=limit,
            widget=forms.Textarea,
            error_messages={
                "max_length": format_lazy(
                    _("{label} must be {limit} characters or fewer"),
                    label=label,
                    limit=f"{limit:,}",
                )
            },
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str) and value[:1] in ("\n", "\r"):
            return "\n" + value
        return value


class OutcomeForm(DraftForm):
    """An outcome: where a journey ends, with what it means and what to do next. The link
    boxes keep their lines as typed (not stripped): a Welsh line matches its English line."""

    title = _text(
        _("Outcome title"),
        limit=200,
        hint=_("The heading people see, like: You can get a garden waste bin"),
    )
    title_cy = _welsh("Teitl y canlyniad", limit=200)
    panel = forms.BooleanField(
        label=_("Show the title in a green panel"),
        required=False,
        help_text=_("For a result to celebrate, like: You are eligible"),
    )
    body = _text(
        _("What it means (optional)"),
        textarea=True,
        limit=10000,
        hint=_("Separate paragraphs with a blank line."),
    )
    body_cy = _welsh("Beth mae'n ei olygu", textarea=True, limit=10000)
    next_steps = LinesField(
        label=_("What to do next (optional)"),
        hint=_(
            "One link a line: its text, a | and the link, like: Apply for a garden waste bin "
            "| /services/garden-waste/. A link is a path on this site, starting with /, or an "
            "address starting with https://"
        ),
        limit=8000,
    )
    next_steps_cy = LinesField(
        label="Beth i'w wneud nesaf" + WELSH,
        hint=format_lazy(
            "{} {}",
            _("The Welsh of each link's text, on the same line as its English."),
            WELSH_HINT,
        ),
        limit=4000,
    )

    def texts(self) -> dict[str, Any]:
        """What form_outcomes reads."""
        return {k: v for k, v in self.cleaned_data.items() if k != "revision"}
