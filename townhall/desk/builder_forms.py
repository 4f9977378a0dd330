"""The service builder's forms. Each checks what a designer typed or chose and turns it into
the fields of the service file (builder.exchange's schema); whether the service can then be
published is the builder's own rule (builder.drafts), which lists every reason."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import Team
from townhall.builder.exchange import MAX_FILE_BYTES
from townhall.catalogue.models import Channel, Service
from townhall.core.clocks import ClockKind
from townhall.desk.builder_hand_on_forms import HandOnFields
from townhall.desk.builder_permit_forms import PermitFields
from townhall.desk.builder_process_forms import ProcessNotifyFields
from townhall.desk.forms import DeskForm, MultipleFileField, MultipleFileInput

MAX_IMPORT_FILES = 20
NOTE_MAX_LENGTH = 300
FEE_MAX_PENCE = 100_000_000
KIND_HINTS = {
    Service.Kind.REQUEST: _(
        "Residents or staff fill in a form; it makes a case that a team deals "
        "with through its process."
    ),
    Service.Kind.INTERNAL: _(
        "Staff only, raised at the desk (a call-back request, an insurance "
        "claim). Not on the portal."
    ),
    Service.Kind.INFORMATION: _("An advice page: no form, no case."),
    Service.Kind.ELIGIBILITY: _(
        "Questions, then an outcome page saying what to do next. No case, "
        "and no personal data kept."
    ),
}
# The state filters of the service list (builder.selectors.STATE_FILTERS), as staff read them.
STATE_LABELS = {
    "live": _("Live"),
    "draft": _("Draft"),
    "internal only": _("Internal only"),
    "retired": _("Retired"),
}
CLOCK_LABELS = {
    ClockKind.SLA.value: _("The service's own target (below)"),
    "foi": _("Freedom of information request (20 working days)"),
    "eir": _("Environmental information request (20 working days)"),
    "sar": _("Subject access request (one calendar month)"),
    "complaint_stage_1": _("Complaint, stage 1"),
    "complaint_stage_2": _("Complaint, stage 2"),
}
# How an information page's advice is written (`catalogue.advice` renders it).
DESCRIPTION_HELP = _(
    "One paragraph a line. An information page also shows headings (a line starting ## ), "
    "bullet lists (lines starting - ) and links written [link text](https://...)."
)
# The service's texts, with English and Welsh side by side: (file key, label, limit, rows).
TEXTS = [
    ("name", _("Service name"), 120, 0),
    ("summary", _("Summary"), 300, 2),
    ("description", _("Description"), 20000, 6),
    ("keywords", _("Search words"), 300, 0),
]


def team_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every team, grouped by department (an <optgroup> each), by slug."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for team in Team.objects.select_related("department").order_by("department__name", "name"):
        groups.setdefault(team.department.name, []).append((team.slug, team.name))
    return list(groups.items())


def _pence(text: str, what: str) -> int | None:
    """Pounds typed ("£1,012.50", "8") as pence; empty is None."""
    text = text.strip().removeprefix("£").replace(",", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int) or exponent < -2 or amount < 0:
        raise ValidationError(gettext("Enter %(what)s in pounds, like 12.50") % {"what": what})
    pence = int(amount * 100)
    if pence > FEE_MAX_PENCE:
        raise ValidationError(gettext("Enter %(what)s of £1,000,000 or less") % {"what": what})
    return pence


def pounds(pence: int | None) -> str:
    return "" if pence is None else f"{Decimal(pence) / 100:.2f}"


def _not_text(name: str) -> str:
    return gettext("%(name)s is not a text file (service files are UTF-8 YAML)") % {"name": name}


class TeamField(forms.ChoiceField):
    """A team chosen by slug from the list grouped by department; cleaned to the Team."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Team"))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose the team whose queue new cases land in"),
                "invalid_choice": _("Choose a team from the list"),
            },
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Team:
        slug = super().clean(value)
        team = Team.objects.select_related("department").filter(slug=slug).first()
        if team is None:
            raise ValidationError(self.error_messages["invalid_choice"])
        return team


class _TeamChoicesMixin(forms.Form):
    def _team_choices_set(self) -> None:
        team = cast(TeamField, self.fields["team"])
        team.choices = [("", gettext("Choose a team")), *team_choices()]


class ServiceCreateForm(_TeamChoicesMixin, DeskForm):
    name = forms.CharField(
        label=_("Service name"),
        help_text=_("Plain words that say what it does, like ‘Report an overgrown hedge’."),
        max_length=120,
        error_messages={
            "required": _("Enter the service name"),
            "max_length": _("The service name must be 120 characters or fewer"),
        },
    )
    summary = forms.CharField(
        label=_("Summary"),
        help_text=_("One sentence, shown under the name in lists and search results."),
        max_length=300,
        widget=forms.Textarea,
        error_messages={
            "required": _("Enter a one-sentence summary"),
            "max_length": _("The summary must be 300 characters or fewer"),
        },
    )
    team = TeamField()
    kind = forms.ChoiceField(
        label=_("What kind of service is it?"),
        choices=Service.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what kind of service it is"),
            "invalid_choice": _("Choose what kind of service it is"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._team_choices_set()


class ServiceSettingsForm(
    _TeamChoicesMixin, ProcessNotifyFields, HandOnFields, PermitFields, DeskForm
):
    """Every setting of the service file a designer may change, read from and written into
    the draft's data (`from_data`, `changes`). `revision`: the draft's, as it was read;
    `process_now`: the draft's process, offered even when it is neither live nor the library's;
    `reference_prefix`: the service's, which a permit number prefix must differ from."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    team = TeamField()
    kind = forms.ChoiceField(
        label=_("Kind of service"),
        choices=Service.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what kind of service it is"),
            "invalid_choice": _("Choose what kind of service it is"),
        },
    )
    sla_days = forms.IntegerField(
        label=_("Target, in days"),
        min_value=0,
        max_value=3650,
        error_messages={
            "required": _("Enter the target in days, like 10"),
            "invalid": _("Enter the target as a whole number of days, like 10"),
            "min_value": _("Enter a target of 0 days or more"),
            "max_value": _("Enter a target of 3,650 days or fewer"),
        },
    )
    sla_kind = forms.ChoiceField(
        label=_("Counted in"),
        choices=Service.SlaKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how the days are counted"),
            "invalid_choice": _("Choose how the days are counted"),
        },
    )
    clock = forms.ChoiceField(
        label=_("What sets the due date"),
        choices=list(CLOCK_LABELS.items()),
        error_messages={
            "required": _("Choose what sets the due date"),
            "invalid_choice": _("Choose what sets the due date"),
        },
    )
    audience = forms.ChoiceField(
        label=_("Who can use it"),
        choices=Service.Audience.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who can use it"),
            "invalid_choice": _("Choose who can use it"),
        },
    )
    open311_code = forms.CharField(
        label=_("Open311 service code (optional)"),
        help_text=_("Leave empty for a service not offered to apps like FixMyStreet."),
        required=False,
        max_length=40,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_.-]*$",
                _("The Open311 code can only use letters, digits, dots, dashes and underscores"),
            )
        ],
        error_messages={"max_length": _("The Open311 code must be 40 characters or fewer")},
    )
    fee = forms.CharField(
        label=_("Fee, in pounds (optional)"),
        help_text=_("Leave empty for a free service."),
        required=False,
    )
    needs_location = forms.BooleanField(label=_("Ask where the problem is"), required=False)
    sensitive = forms.BooleanField(
        label=_("Sensitive (restricted notes, every read audited)"), required=False
    )
    popular = forms.BooleanField(label=_("Show among the popular services"), required=False)

    def __init__(
        self,
        *args: Any,
        process_now: dict[str, Any] | None = None,
        reference_prefix: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reference_prefix = reference_prefix
        for key, label, limit, _rows in TEXTS:
            for language, suffix in (("en", ""), ("cy", "_cy")):
                self.fields[key + suffix] = forms.CharField(
                    label=_("English") if language == "en" else _("Welsh (Cymraeg)"),
                    required=key in ("name", "summary") and language == "en",
                    max_length=limit,
                    help_text=DESCRIPTION_HELP if key == "description" else "",
                    error_messages={
                        "required": gettext("Enter the %(text)s in English")
                        % {"text": str(label).lower()},
                        "max_length": (
                            gettext("The %(text)s in Welsh must be %(limit)s characters or fewer")
                            if language == "cy"
                            else gettext("The %(text)s must be %(limit)s characters or fewer")
                        )
                        % {"text": str(label).lower(), "limit": f"{limit:,}"},
                    },
                )
        for channel, channel_name in Channel.choices:
            self.fields[f"cost_{channel}"] = forms.CharField(label=channel_name, required=False)
        self._team_choices_set()
        self._process_notify_add(process_now)
        self._hand_on_add()
        self._permit_add()

    @staticmethod
    def initial_from(data: dict[str, Any], revision: int) -> dict[str, Any]:
        """The form's values from a service file's data."""
        initial: dict[str, Any] = {"revision": revision}
        for key, *_rest in TEXTS:
            initial[key] = data[key].get("en", "")
            initial[key + "_cy"] = data[key].get("cy", "")
        initial.update(
            team=data.get("team") or "",
            kind=data["kind"],
            sla_days=data["sla"]["days"],
            sla_kind=data["sla"].get("kind", Service.SlaKind.WORKING_DAYS),
            clock=data["clock"],
            audience=data["audience"],
            open311_code=data["open311_code"],
            fee=pounds(data.get("fee_pence")),
            needs_location=data["needs_location"],
            sensitive=data["sensitive"],
            popular=data["popular"],
        )
        for channel, pence in data.get("channel_costs", {}).items():
            initial[f"cost_{channel}"] = pounds(pence)
        initial.update(ProcessNotifyFields.process_notify_initial(data))
        initial.update(HandOnFields.hand_on_initial(data))
        initial.update(PermitFields.permit_initial(data))
        return initial

    def clean_fee(self) -> int | None:
        return _pence(self.cleaned_data["fee"], gettext("the fee"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for channel, label in Channel.choices:
            name = f"cost_{channel}"
            if name in data:
                try:
                    data[name] = _pence(
                        data[name],
                        gettext("the cost of the %(channel)s channel")
                        % {"channel": str(label).lower()},
                    )
                except ValidationError as error:
                    self.add_error(name, error)
        self.hand_on_clean()
        self.permit_clean(reference_prefix=self.reference_prefix)
        return data

    def changes(self, data: dict[str, Any]) -> dict[str, Any]:
        """The top-level fields of the service file these settings set, over `data`'s."""
        cleaned = self.cleaned_data
        team: Team = cleaned["team"]
        texts = {
            key: {"en": cleaned[key].strip(), "cy": cleaned[key + "_cy"].strip()}
            for key, *_ in TEXTS
        }
        organisation = data.get("organisation") or {}
        teams = [t for t in organisation.get("teams", []) if t["slug"] != team.slug]
        departments = [
            d for d in organisation.get("departments", []) if d["slug"] != team.department.slug
        ]
        return {
            **texts,
            "team": team.slug,
            "department": team.department.slug,
            "kind": cleaned["kind"],
            "sla": {"days": cleaned["sla_days"], "kind": cleaned["sla_kind"]},
            "clock": cleaned["clock"],
            "audience": cleaned["audience"],
            "open311_code": cleaned["open311_code"].strip(),
            "fee_pence": cleaned["fee"],
            "needs_location": cleaned["needs_location"],
            "sensitive": cleaned["sensitive"],
            "popular": cleaned["popular"],
            "channel_costs": {
                channel: cleaned[f"cost_{channel}"]
                for channel, _ in Channel.choices
                if cleaned.get(f"cost_{channel}") is not None
            },
            **self.process_notify_changes(data),
            **self.hand_on_changes(data),
            **self.permit_changes(data),
            # The file declares the team it names, so it imports into another council too.
            "organisation": {
                "departments": [
                    *departments,
                    {"slug": team.department.slug, "name": team.department.name},
                ],
                "teams": [
                    *teams,
                    {"slug": team.slug, "name": team.name, "department": team.department.slug},
                ],
            },
        }


class PublishForm(DeskForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(
        label=_("What changed?"),
        help_text=_("Say what you changed and why: it is kept with the version."),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": _("Say what changed, for the version history"),
            "max_length": format_lazy(
                _("The note must be {limit} characters or fewer"), limit=NOTE_MAX_LENGTH
            ),
        },
    )


class RetireForm(DeskForm):
    reason = forms.CharField(
        label=_("Why is it retired?"),
        help_text=_("Kept in the audit trail. Its open cases carry on as before."),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={
            "required": _("Say why the service is retired"),
            "max_length": format_lazy(
                _("The reason must be {limit} characters or fewer"), limit=NOTE_MAX_LENGTH
            ),
        },
    )


class RestoreForm(DeskForm):
    note = forms.CharField(
        label=_("Why go back?"),
        help_text=_("Kept with the new version."),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        error_messages={
            "max_length": format_lazy(
                _("The note must be {limit} characters or fewer"), limit=NOTE_MAX_LENGTH
            )
        },
    )


class CompareForm(DeskForm):
    """Two versions of a service to compare (a GET form on the service page)."""

    older = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    newer = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("older", "newer"):
            field = cast(forms.TypedChoiceField, self.fields[name])
            field.choices = [(n, gettext("Version %(number)s") % {"number": n}) for n in numbers]
            field.error_messages["invalid_choice"] = gettext("Choose a version from the list")
            field.error_messages["required"] = gettext("Choose two versions to compare")
        if numbers:
            self.initial = {"older": numbers[min(1, len(numbers) - 1)], "newer": numbers[0]}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("older") is not None and data.get("older") == data.get("newer"):
            self.add_error("newer", _("Choose two different versions to compare"))
        return data


class ImportForm(DeskForm):
    # Named as the page posts it; the metaclass moves declared fields off the class.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Service files"),
        help_text=format_lazy(
            _(
                "One or more .yaml files exported from Townhall, up to {count}, each smaller "
                "than {megabytes} MB."
            ),
            count=MAX_IMPORT_FILES,
            megabytes=MAX_FILE_BYTES // (1024 * 1024),
        ),
        widget=MultipleFileInput,
        required=False,
    )

    def clean_files(self) -> list[tuple[str, str]]:
        """(name, text) of each file: read as UTF-8 text, or refused."""
        uploads = self.cleaned_data["files"]
        if not uploads:
            raise ValidationError(_("Choose a service file to import"))
        if len(uploads) > MAX_IMPORT_FILES:
            raise ValidationError(
                gettext("Import at most %(count)s files at once") % {"count": MAX_IMPORT_FILES}
            )
        read = []
        for upload in uploads:
            name = re.sub(r"[^\w.\- ]", "_", upload.name or "file")[:100]
            if (upload.size or 0) > MAX_FILE_BYTES:
                raise ValidationError(
                    gettext("%(name)s is larger than %(megabytes)s MB, too large")
                    % {"name": name, "megabytes": MAX_FILE_BYTES // (1024 * 1024)}
                )
            data = upload.read(MAX_FILE_BYTES + 1)
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_not_text(name)) from None
            if "\x00" in text:
                raise ValidationError(_not_text(name))
            read.append((name, text))
        return read
