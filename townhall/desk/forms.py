"""The desk's forms. Each checks what a person typed or chose (present, one of the choices, a
number); the rules of the council (who may take a case, which transitions are allowed) stay
in the services the views call. Every form names its fields as the GOV.UK templates in
templates/desk/fields/ expect: `auto_id="%s"`, so an element's id is its field's name."""

from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from townhall.accounts.models import User
from townhall.cases.messages import MESSAGE_TEMPLATES
from townhall.cases.models import Case
from townhall.cases.services import assignees_for
from townhall.core.uploads import CheckedFile, upload_check
from townhall.payments.models import Payment
from townhall.records.mapping import MAPPABLE_FIELDS
from townhall.records.models import Person, SourceRecord
from townhall.workflow.models import WorkItem

MAX_FILES = 5
BULK_MAX = 100
OPEN311_CLIENT_NAME_MAX = 100
SOURCE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
PROCESS_NOTE_MAX_LENGTH = 300
REFERENCE_MAX_LENGTH = 20


class DeskForm(forms.Form):
    """A desk form: ids are the bare field names, as the GOV.UK macros give them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)


class LockedForm(DeskForm):
    """A change to a case, carrying the version of the case the person was looking at."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def expected_lock_version(self) -> int:
        # A missing or mangled version can only be treated as out of date.
        version = self.cleaned_data.get("lock_version")
        return -1 if version is None else version


class CaseStatusForm(LockedForm):
    status = forms.ChoiceField(
        label="Change status",
        choices=Case.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the new status",
                        "invalid_choice": "Select the new status from the list"},
    )  # fmt: skip
    resolution = forms.ChoiceField(
        label="If closing, how was it resolved?",
        choices=Case.Resolution.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select how it was resolved from the list"},
    )
    public_note = forms.CharField(
        label="Public note (optional)",
        help_text="This note will be emailed to the resident.",
        widget=forms.Textarea,
        required=False,
        strip=False,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = cast(forms.ChoiceField, self.fields["status"])
        status.choices = [
            (value, f"{label} (now)" if value == case.status else label)
            for value, label in Case.Status.choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A resolution only means something for a case being closed.
        if data.get("status") != Case.Status.CLOSED:
            data["resolution"] = ""
        return data


class CaseNoteForm(LockedForm):
    """A public update or an internal note; each has its own textarea on the case page."""

    VISIBILITIES = {
        "public": ("public_update", "Add an update for the resident",
                   "The resident will see this on their request and be emailed it."),
        "internal": ("internal_note", "Add an internal note",
                     "Only council staff can see internal notes."),
    }  # fmt: skip

    visibility = forms.ChoiceField(
        choices=[("public", "Public"), ("internal", "Internal")],
        widget=forms.HiddenInput,
        required=False,
    )
    text = forms.CharField(widget=forms.Textarea, required=False, strip=False)

    def __init__(self, *args: Any, visibility: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if visibility is None:
            chosen = self.data.get("visibility") if self.is_bound else None
            visibility = "public" if chosen == "public" else "internal"
        self.kind = visibility
        element_id, label, hint = self.VISIBILITIES[visibility]
        self.initial["visibility"] = visibility
        text = self.fields["text"]
        text.widget.attrs["id"] = element_id
        text.label, text.help_text = label, hint

    @property
    def is_public(self) -> bool:
        return self.kind == "public"


class CaseAssignForm(LockedForm):
    assignee = forms.ModelChoiceField(
        label="Assigned to",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody",
        error_messages={"invalid_choice": "Choose someone from the list."},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["assignee"])
        # Anyone on staff may be chosen here; whether they may take this case is the
        # service's rule (case_assign), so its refusal explains why.
        field.queryset = User.objects.filter(is_active=True).only("full_name", "email")
        # The list offers only those who may take it.
        field.widget.choices = [("", "Nobody")] + [
            (person.pk, person.full_name or person.email)
            for person in assignees_for(case).only("full_name", "email")
        ]
        self.initial.setdefault("assignee", case.assigned_to_id)


class CaseReopenForm(LockedForm):
    reason = forms.CharField(
        label="Reopen this case",
        help_text="Say why: the resident will see it.",
        widget=forms.Textarea,
        required=False,
        strip=False,
    )


class CaseMergeForm(LockedForm):
    original = forms.CharField(
        label="Duplicate of another case?",
        help_text="Enter the reference of the case it repeats. This case closes as a duplicate "
        "and the resident is told which reference to follow.",
        error_messages={"required": "Enter the reference of the case this one repeats."},
    )

    def __init__(self, *args: Any, visible: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visible = visible

    def clean_original(self) -> Case:
        reference = self.cleaned_data["original"].strip().upper()[:REFERENCE_MAX_LENGTH]
        original = self.visible.filter(reference=reference).first() if self.visible else None
        if original is None:
            raise ValidationError(f"No case {reference} that you can see.")
        return original


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name, as Django's documentation shows; each is checked by
    content in the form's clean_files, not by the single-file checks of FileField."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        return [upload for upload in (data or []) if upload]


class CaseAttachForm(DeskForm):
    # Named as the page posts it; the metaclass moves declared fields off the class, so
    # BaseForm.files (the uploads) is not shadowed.
    files = MultipleFileField(  # type: ignore[assignment]
        label="Attach files",
        help_text=f"Photos (JPG, PNG) or PDFs, up to {MAX_FILES}.",
        widget=MultipleFileInput,
        required=False,
    )
    visibility = forms.ChoiceField(
        label="Who can see them?",
        choices=[("internal", "Council staff only"), ("public", "The resident too")],
        widget=forms.RadioSelect,
        initial="internal",
        required=False,
        error_messages={"invalid_choice": "Choose who can see the files."},
    )
    note = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def clean_files(self) -> list[CheckedFile]:
        uploads = self.cleaned_data["files"]
        if not uploads:
            raise ValidationError("Choose a file to attach.")
        if len(uploads) > MAX_FILES:
            raise ValidationError(f"Attach at most {MAX_FILES} files.")
        # Checked by content, not by name (core.uploads), before anything is stored.
        return [upload_check(upload, accept=("image", "pdf")) for upload in uploads]


class CaseMessageForm(DeskForm):
    template = forms.ChoiceField(
        label="Message the resident",
        help_text="Sent by email (and text, if they chose it) and shown on their request.",
        choices=[(key, title) for key, (title, _) in MESSAGE_TEMPLATES.items()],
        error_messages={"required": "Choose a message to send.",
                        "invalid_choice": "Choose a message to send."},
    )  # fmt: skip
    extra = forms.CharField(
        label="Anything to add (optional)", widget=forms.Textarea, required=False, strip=False
    )


class WorkItemDoneForm(DeskForm):
    """Mark a work item done, choosing what happened when its task offers outcomes."""

    outcome = forms.ChoiceField(label="What happened?", widget=forms.RadioSelect, required=False)

    def __init__(self, *args: Any, item: WorkItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        outcome = cast(forms.ChoiceField, self.fields["outcome"])
        outcome.choices = item.outcome_choices
        outcome.required = bool(item.outcomes)
        choices = ", ".join(label.lower() for _, label in item.outcome_choices)
        outcome.error_messages["required"] = f"Choose what happened: {choices}."
        outcome.error_messages["invalid_choice"] = f"Choose what happened: {choices}."
        # Several work items can be open on one case page: each keeps its own ids.
        outcome.widget.attrs["id"] = f"outcome-{item.pk}"


class RefundForm(DeskForm):
    """A refund of one payment: an amount in pounds and pence, and why."""

    amount = forms.CharField(
        label="Amount to refund, in pounds",
        error_messages={"required": "Enter the amount to refund in pounds, like 12.50."},
    )
    reason = forms.CharField(label="Why", required=False)

    def __init__(self, *args: Any, payment: Payment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.payment = payment
        # Each refundable payment has its own form on the case page.
        self.fields["amount"].widget.attrs["id"] = f"refund-amount-{payment.pk}"
        self.fields["reason"].widget.attrs["id"] = f"refund-reason-{payment.pk}"

    def clean_amount(self) -> int:
        """The amount in pence; "£1,012.50" is understood, a third decimal place is not."""
        text = self.cleaned_data["amount"].strip().removeprefix("£").replace(",", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = Decimal("NaN")
        exponent = amount.as_tuple().exponent
        if not amount.is_finite() or not isinstance(exponent, int) or exponent < -2:
            raise ValidationError("Enter the amount to refund in pounds, like 12.50.")
        if amount <= 0:
            raise ValidationError("Enter an amount to refund of more than £0.")
        return int(amount * 100)


class BulkForm(DeskForm):
    """Several cases from the queue, assigned or moved to a status together."""

    ACTIONS = [("assign", "Assign selected"), ("status", "Change status of selected")]

    cases = forms.MultipleChoiceField(
        error_messages={"required": "Select the cases to change first."}
    )
    action = forms.ChoiceField(
        choices=ACTIONS,
        error_messages={"required": "Choose what to do with the selected cases.",
                        "invalid_choice": "Choose what to do with the selected cases."},
    )  # fmt: skip
    assignee = forms.ModelChoiceField(
        label="Assign them to",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody",
        error_messages={"invalid_choice": "Choose someone from the list."},
    )
    status = forms.ChoiceField(
        label="Or move them to",
        choices=Case.Status.choices,
        required=False,
        error_messages={"invalid_choice": "Choose the status to move the cases to."},
    )
    resolution = forms.ChoiceField(
        label="How they were resolved, when closing",
        choices=[("", "Not closing"), *Case.Resolution.choices],
        required=False,
        error_messages={"invalid_choice": "Choose how the cases were resolved."},
    )
    note = forms.CharField(
        label="Note for the residents", widget=forms.Textarea, required=False, strip=False
    )

    def __init__(self, *args: Any, visible: Any, assignees: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visible = visible
        data = self.data
        references = data.getlist("cases") if isinstance(data, QueryDict) else []
        cases = cast(forms.MultipleChoiceField, self.fields["cases"])
        # Only the first BULK_MAX count; a reference longer than any real one is cut short.
        cases.choices = [(r[:REFERENCE_MAX_LENGTH], r) for r in references[:BULK_MAX]]
        assignee = cast(forms.ModelChoiceField, self.fields["assignee"])
        # Anyone may be posted; case_assign says why someone outside the department is refused.
        assignee.queryset = User.objects.filter(is_active=True)
        assignee.widget.choices = [("", "Nobody")] + [
            (person.pk, person.full_name or person.email) for person in assignees
        ]
        for name in ("assignee", "status", "resolution", "note"):
            self.fields[name].widget.attrs["id"] = f"bulk-{name}"

    def clean_cases(self) -> list[Case]:
        references = self.cleaned_data["cases"][:BULK_MAX]
        found = list(self.visible.filter(reference__in=references))
        if not found:
            raise ValidationError("Select the cases to change first.")
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "status" and not data.get("status"):
            self.add_error("status", "Choose the status to move the cases to.")
        return data


class SavedViewForm(DeskForm):
    """A name for the queue's current filters (the filters come with the form, hidden)."""

    view_name = forms.CharField(
        label="Save these filters as a view",
        error_messages={"required": "Enter a name for the view."},
    )


class Open311ClientForm(DeskForm):
    name = forms.CharField(
        label=gettext_lazy("Client name"),
        max_length=OPEN311_CLIENT_NAME_MAX,
        error_messages={
            "required": gettext_lazy("Enter the client's name, like FixMyStreet."),
            "max_length": f"The name must be {OPEN311_CLIENT_NAME_MAX} characters or fewer.",
        },
    )


class Open311PushForm(DeskForm):
    # Whether the address is allowed (https, not a private network) is the service's rule.
    push_url = forms.CharField(
        label="Push status updates to",
        help_text="Each status change of this client's reports is posted there, signed, through "
        "the outbox. Leave it empty to stop; the client can still poll servicerequestupdates.",
        required=False,
    )


class OutboxCancelForm(DeskForm):
    # Whether a reason is needed and what counts as one is the outbox service's rule.
    reason = forms.CharField(
        label="Why it should not be sent", widget=forms.Textarea, required=False, strip=False
    )


class RecordSplitForm(DeskForm):
    record = forms.ModelChoiceField(
        queryset=SourceRecord.objects.all(),
        error_messages={"required": "Choose the record to split off",
                        "invalid_choice": "Choose the record to split off"},
    )  # fmt: skip


class PersonMergeForm(DeskForm):
    other = forms.ModelChoiceField(
        queryset=Person.objects.all(),
        error_messages={"required": "Enter the number of a person that exists, like 1234",
                        "invalid_choice": "Enter the number of a person that exists, like 1234"},
    )  # fmt: skip


class LinkDecisionForm(DeskForm):
    decision = forms.ChoiceField(
        choices=[("same", "Same person"), ("different", "Different people")],
        error_messages={"required": "Select whether these records are the same person",
                        "invalid_choice": "Select whether these records are the same person"},
    )  # fmt: skip
    note = forms.CharField(required=False, strip=False)


class SourceSettingsForm(DeskForm):
    """A source's column mapping (column_<field>: the CSV column holding it) and how its files
    are read; whether the mapping is complete and the encoding known is records.mapping's rule."""

    delimiter = forms.CharField(required=False, strip=False, max_length=2,
                                error_messages={"max_length": "Enter one character, like ,"})  # fmt: skip
    encoding = forms.CharField(required=False, max_length=30,
                               error_messages={"max_length": "Enter an encoding, like utf-8"})  # fmt: skip
    dates_month_first = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in MAPPABLE_FIELDS:
            self.fields[f"column_{name}"] = forms.CharField(
                required=False, max_length=100,
                error_messages={"max_length": "A column name must be 100 characters or fewer"},
            )  # fmt: skip

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"column_{name}"] for name in MAPPABLE_FIELDS}


class SourceImportForm(DeskForm):
    extract = forms.FileField(
        error_messages={"required": "Choose a CSV file to import",
                        "empty": "Choose a CSV file to import: this one is empty"},
    )  # fmt: skip

    def clean_extract(self) -> Any:
        upload = self.cleaned_data["extract"]
        if (upload.size or 0) > SOURCE_UPLOAD_MAX_BYTES:
            raise ValidationError(
                "The file must be smaller than 50 MB: split it, or use link_records"
            )
        return upload


class ProcessEditForm(DeskForm):
    """The live process's BPMN and DMN documents, edited, with a note for the new version.
    The documents are not cut short here: one over the limit is refused whole by the XML
    parser (core.xmlsafe), with the reason, rather than truncated into something else."""

    bpmn_xml = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False)
    action = forms.ChoiceField(
        choices=[("check", "Check"), ("publish", "Publish")],
        required=False,
        error_messages={"invalid_choice": "Choose Check or Publish."},
    )

    def __init__(self, *args: Any, dmn_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dmn_count = dmn_count
        for n in range(dmn_count):
            self.fields[f"dmn_xml_{n}"] = forms.CharField(required=False, strip=False)

    def clean_note(self) -> str:
        return " ".join(self.cleaned_data["note"].split())[:PROCESS_NOTE_MAX_LENGTH]

    def dmn_xmls(self) -> list[str]:
        return [self.cleaned_data[f"dmn_xml_{n}"] for n in range(self.dmn_count)]

    @property
    def publishing(self) -> bool:
        return self.cleaned_data.get("action") == "publish"


WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]
DAY_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d"]


class SlotsCreateForm(DeskForm):
    """Slots in bulk: a service, areas, a date range, days of the week and a capacity."""

    service = forms.TypedChoiceField(label="Service", coerce=int, empty_value=None)
    areas = forms.TypedMultipleChoiceField(
        label="Areas",
        coerce=int,
        error_messages={"required": "Select at least one area"},
    )
    start = forms.DateField(
        label="First day",
        input_formats=DAY_FORMATS,
        help_text="For example, 12/01/2027",
        error_messages={
            "required": "Enter the first day",
            "invalid": "Enter a real date, like 12/01/2027",
        },
    )
    end = forms.DateField(
        label="Last day",
        input_formats=DAY_FORMATS,
        help_text="For example, 26/02/2027",
        error_messages={
            "required": "Enter the last day",
            "invalid": "Enter a real date, like 26/02/2027",
        },
    )
    weekdays = forms.MultipleChoiceField(
        label="Days of the week",
        choices=WEEKDAYS,
        error_messages={"required": "Select at least one day of the week"},
    )
    capacity = forms.IntegerField(
        label="Capacity of each slot",
        min_value=1,
        max_value=10000,
        error_messages={
            "required": "Enter the capacity of each slot",
            "invalid": "Capacity must be a whole number, like 30",
            "min_value": "Capacity must be 1 or more",
            "max_value": "Capacity must be 10,000 or less",
        },
    )
    unit = forms.ChoiceField(
        label="A slot counts",
        choices=[("item", "Items (each item collected takes one place)"), ("visit", "Visits")],
        initial="item",
        error_messages={"required": "Select what a slot counts"},
    )

    def __init__(
        self,
        *args: Any,
        services: list[tuple[int, str]],
        areas: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        service_field = cast(forms.TypedChoiceField, self.fields["service"])
        service_field.choices = [("", "Choose a service"), *services]
        service_field.error_messages["required"] = "Select the service"
        cast(forms.TypedMultipleChoiceField, self.fields["areas"]).choices = areas


class BookingAreaForm(DeskForm):
    """A booking area: its name and the council's wards it covers."""

    name = forms.CharField(
        label="Name of the area",
        max_length=100,
        help_text="For example, North and east",
        error_messages={
            "required": "Enter the name of the area",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    wards = forms.MultipleChoiceField(
        label="Wards in the area",
        help_text="An address is in the area of its street's ward. A ward can be in one area only.",
        error_messages={
            "required": "Select at least one ward",
            "invalid_choice": "Select wards from the list",
        },
    )

    def __init__(self, *args: Any, wards: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wards"].choices = wards  # type: ignore[attr-defined]
