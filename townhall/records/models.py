"""The golden record: line-of-business extracts (sources and their records), linkage runs,
the pairwise links Splink scored, the persons they cluster into, and officers' decisions."""

from django.conf import settings
from django.db import models

from townhall.core.models import TimeStampedModel

# The canonical person shape every source is mapped onto.
CANONICAL_FIELDS = (
    "record_id",
    "title",
    "first_name",
    "middle_names",
    "surname",
    "date_of_birth",
    "address",
    "postcode",
    "uprn",
    "email",
    "phone",
    "ni_number",
)


class Source(TimeStampedModel):
    """One line-of-business system (council tax, benefits, electoral register...)."""

    class Kind(models.TextChoices):
        CSV = "csv", "CSV extract"
        SQL = "sql", "SQL query"
        PORTAL_ACCOUNTS = "portal_accounts", "Portal accounts"
        CASES = "cases", "Cases"

    class Role(models.TextChoices):
        """What the system is for: forensics reads claims and the electoral register."""

        OTHER = "other", "Other"
        COUNCIL_TAX = "council_tax", "Council tax"
        BENEFITS = "benefits", "Benefits"
        ELECTORAL_REGISTER = "electoral_register", "Electoral register"
        BLUE_BADGE = "blue_badge", "Blue badge"
        HOUSING = "housing", "Housing"
        PARKING = "parking", "Parking"
        WASTE = "waste", "Waste"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OTHER)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CSV)
    # canonical field -> the source's own column name; unmapped canonical fields are empty.
    mapping = models.JSONField(default=dict, blank=True)
    delimiter = models.CharField(max_length=1, default=",")
    encoding = models.CharField(max_length=20, default="utf-8")
    # US-style systems write dates month first.
    dates_month_first = models.BooleanField(default=False)
    # Higher wins when golden values disagree (e.g. electoral register over parking).
    trust = models.PositiveSmallIntegerField(default=50)
    # For SQL sources: the query run against the source database (DATABASE_URL-style DSN).
    query = models.TextField(blank=True)
    dsn = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One import of a source, with what it did and every row it refused."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="imports")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    file_name = models.CharField(max_length=255, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    retired = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # [{"line": 12, "reason": "..."}]; a failed run has one entry with line 0.
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"


class Person(TimeStampedModel):
    """One resident as the council knows them: a cluster of source records."""

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Person {self.pk}"


class SourceRecord(models.Model):
    """One row of a source, cleaned onto the canonical shape; `raw` keeps it as it came."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="records")
    record_id = models.CharField(max_length=100)
    title = models.CharField(max_length=30, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=150, blank=True)
    surname = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=255, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    uprn = models.CharField(max_length=12, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    ni_number = models.CharField(max_length=9, blank=True)
    # Source-specific fields (benefit type, discount, badge number...) kept as they came.
    extra = models.JSONField(default=dict, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    # Data-quality findings made while cleaning, e.g. ["postcode_invalid", "dob_impossible"].
    issues = models.JSONField(default=list, blank=True)
    row_hash = models.CharField(max_length=40)
    first_seen_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "record_id"], name="record_unique_in_source")
        ]
        # Plain b-tree indexes for the identifiers matched by equality (matching.py): declared
        # here rather than with db_index, which on PostgreSQL adds a second LIKE index to each
        # and slows every write of a million records (the linkage run rewrites person_id).
        indexes = [
            models.Index(fields=["surname", "date_of_birth"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["postcode"], name="record_postcode"),
            models.Index(fields=["uprn"], name="record_uprn"),
            models.Index(fields=["email"], name="record_email"),
            models.Index(fields=["phone"], name="record_phone"),
            models.Index(fields=["ni_number"], name="record_ni_number"),
        ]

    def __str__(self) -> str:
        return f"{self.source.slug}:{self.record_id}"

    @property
    def key(self) -> str:
        """Stable across re-imports: decisions are kept against it."""
        return f"{self.source.slug}:{self.record_id}"

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.middle_names, self.surname) if p)


class LinkageRun(models.Model):
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    links = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    for_review = models.PositiveIntegerField(default=0)
    # The trained Splink model (settings JSON with m and u), reused to match new records.
    model = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]


class Link(models.Model):
    """A scored pair of records, with why Splink scored it so (one entry per comparison)."""

    class Status(models.TextChoices):
        LINKED = "linked", "Linked automatically"
        REVIEW = "review", "Needs review"
        ACCEPTED = "accepted", "Accepted by an officer"
        REJECTED = "rejected", "Rejected by an officer"

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="pair_links")
    left = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    # {comparison: level index} as Splink scored the pair; with the run's model this gives
    # each comparison's level and weight, i.e. why the two were linked (see link_reasons).
    levels = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="link_unique_pair")]
        indexes = [models.Index(fields=["status", "match_probability"])]


class ReviewDecision(models.Model):
    """An officer's word on a pair: kept by record key so it survives re-imports and
    re-runs, obeyed by clustering and used as labels when training."""

    class Decision(models.TextChoices):
        SAME = "same", "Same person"
        DIFFERENT = "different", "Different people"

    left_key = models.CharField(max_length=200)
    right_key = models.CharField(max_length=200)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(auto_now=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["left_key", "right_key"], name="decision_unique_pair")
        ]
