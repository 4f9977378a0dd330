from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from townhall.core.languages import Language


class Department(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="teams")
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["department__name", "name"]

    def __str__(self) -> str:
        return f"{self.department.name}: {self.name}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.ADMIN)
        extra.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One account model for residents and staff; `role` says which."""

    class Role(models.TextChoices):
        RESIDENT = "resident", "Resident"
        AGENT = "agent", "Contact-centre agent"
        OFFICER = "officer", "Officer"
        TEAM_LEAD = "team_lead", "Team lead"
        MANAGER = "manager", "Manager"
        DESIGNER = "designer", "Service designer"
        ADMIN = "admin", "Administrator"

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    phone = models.CharField(max_length=20, blank=True)
    address_line = models.CharField(max_length=255, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    uprn = models.CharField(max_length=12, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.RESIDENT)
    departments = models.ManyToManyField(Department, blank=True, related_name="staff")
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    notify_by_email = models.BooleanField(default=True)
    notify_by_sms = models.BooleanField(default=False)
    # The language the resident chose with the portal's switch ("" until they use it): their
    # pages, when the visit has not chosen, and the messages we send them use it.
    language = models.CharField(max_length=2, choices=Language.choices, blank=True, default="")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)  # may use the Django admin
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_council_staff(self) -> bool:
        return self.role != self.Role.RESIDENT

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class SignInAttempt(models.Model):
    """Failed sign-ins, counted per email and per IP to apply a cool-off."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.email} {self.ip_address or ''}"
