from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.accounts.models import Department, Team
from townhall.core.clocks import ClockKind


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone")
    FACE_TO_FACE = "face_to_face", _("Face to face")
    FIELD = "field", _("Field")
    OPEN311 = "open311", _("Open311")
    EMAIL = "email", _("Email")


class Service(models.Model):
    """A catalogue entry: what a resident can ask for, with its form, SLA, codes and costs."""

    class SlaKind(models.TextChoices):
        WORKING_DAYS = "working_days", _("Working days")
        CALENDAR_DAYS = "calendar_days", _("Calendar days")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Residents and staff")
        STAFF = "staff", _("Staff only")

    class Kind(models.TextChoices):
        # A case and its process, as most services are.
        REQUEST = "request", _("Request")
        # Staff-only, raised at the desk (call-back requests, insurance claims).
        INTERNAL = "internal", _("Internal")
        # An advice page: no form, no case.
        INFORMATION = "information", _("Information")
        # Questions, then an outcome page; no case and no personal data kept.
        ELIGIBILITY = "eligibility", _("Eligibility checker")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120, unique=True)
    summary = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    keywords = models.CharField(max_length=300, blank=True)
    # Welsh beside each English text a designer writes (issue 16 point 7); empty until written.
    name_cy = models.CharField(max_length=120, blank=True)
    summary_cy = models.CharField(max_length=300, blank=True)
    description_cy = models.TextField(blank=True)
    keywords_cy = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REQUEST)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="services")
    default_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    form = models.ForeignKey(
        "eforms.Form", null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    reference_prefix = models.CharField(
        max_length=4,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9]{1,3}$",
                "Use 2 to 4 capital letters or digits, starting with a letter, like FT.",
            )
        ],
    )
    sla_days = models.PositiveIntegerField(default=10)
    sla_kind = models.CharField(
        max_length=20, choices=SlaKind.choices, default=SlaKind.WORKING_DAYS
    )
    # Which rule sets the due date: the service's own SLA, or a statutory clock (FOI working
    # days across the UK, SAR one calendar month, complaints stage 1).
    clock_kind = models.CharField(
        max_length=20,
        choices=[(kind.value, kind.value.replace("_", " ").upper()) for kind in ClockKind],
        default=ClockKind.SLA.value,
    )
    # The process every new case of this service runs on (a ProcessVersion key); blank: none.
    process_key = models.SlugField(max_length=60, blank=True)
    open311_code = models.CharField(max_length=40, blank=True, db_index=True)
    fee_pence = models.PositiveIntegerField(null=True, blank=True)
    # Fees worked out from the answers (catalogue.fees); when set they replace fee_pence.
    fee_rules = models.JSONField(default=list, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    is_popular = models.BooleanField(default=False)
    popularity_rank = models.PositiveIntegerField(default=100)
    is_published = models.BooleanField(default=True)
    # Retired: hidden from the portal, A to Z, search and Open311; its open cases go on.
    retired_at = models.DateTimeField(null=True, blank=True)
    needs_location = models.BooleanField(default=False)
    is_sensitive = models.BooleanField(
        default=False, help_text="SAR, complaints about staff: restricted notes, audited reads."
    )
    # GOV.UK Notify template ids of this service's own messages, by event and channel, e.g.
    # {"created": {"email": "<uuid>", "sms": "<uuid>"}}; the generic template otherwise.
    notify_templates = models.JSONField(default=dict, blank=True)
    # "Not ours": the council responsible and how a report is handed on to them
    # (catalogue.hand_on); empty for the council's own services.
    hand_on = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.audience == self.Audience.PUBLIC

    @property
    def state(self) -> str:
        """What the builder's list says of it: retired, draft (never published or taken
        down), internal only, or live."""
        if self.retired_at is not None:
            return "retired"
        if not self.is_published:
            return "draft"
        if self.kind == self.Kind.INTERNAL or self.audience == self.Audience.STAFF:
            return "internal only"
        return "live"


class ChannelCost(models.Model):
    """What one transaction costs the council on one channel, for insight figures."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="channel_costs")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    cost_pence = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "channel"], name="one_cost_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_channel_display()}): {self.cost_pence}p"
