"""Who uses Closeknit: organisations, their teams, people's accounts and roles, and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def normalise_email(value: str | None) -> str:
    """The one form of an email address that signing in, lockout and storage all use.

    Trimmed and lower-cased, so ``Name@Example.org``, ``NAME@EXAMPLE.ORG`` and `` name@example.org``
    name one account and count against one lockout.
    """
    return (value or "").strip().lower()


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        NHS_PRACTICE = "nhs_practice", "NHS GP practice"
        VCSE = "vcse", "Voluntary or community group (VCSE)"
        PARISH_COUNCIL = "parish_council", "Parish or town council"
        BUSINESS = "business", "Business"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo district.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A group of staff within an organisation who share a caseload or a job."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Role(models.TextChoices):
    RESIDENT = "resident", "Resident"
    COORDINATOR = "coordinator", "Local Area Coordinator or community navigator"
    LINK_WORKER = "link_worker", "Social prescribing link worker"
    BROKER = "broker", "Timebank broker"
    ORGANISATION_EDITOR = "organisation_editor", "Organisation editor"
    COMMISSIONER = "commissioner", "Commissioner or evaluator"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles whose work means reading person records: these must sign in with two factors.
ROLES_THAT_SEE_PERSON_RECORDS = frozenset(
    {Role.COORDINATOR, Role.LINK_WORKER, Role.BROKER, Role.ADMINISTRATOR}
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is needed to create an account.")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
        return self._create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        # Stored addresses are normalised (User.save), so an exact match on the normalised form
        # finds the one account every variant names: the same key lockout counts by.
        return self.get(email=normalise_email(username))


class User(AbstractUser):
    """A person who signs in: a resident or a member of staff. Signs in with an email address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=24, choices=Role.choices, default=Role.RESIDENT)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    teams = models.ManyToManyField(Team, through="TeamMembership", blank=True, related_name="members")
    home_postcode = models.ForeignKey(
        "places.Postcode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_demo = models.BooleanField(default=False, help_text="Invented for the demo district.")
    email_verified = models.BooleanField(
        default=True,
        help_text="False for a resident who signed up and has not yet followed the link emailed to "
        "them: they cannot sign in until they do.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects = UserManager()

    class Meta:
        ordering = ["full_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_in_any_case")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        # Every way in (the admin's forms, factories, imports) stores the one normalised form.
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def needs_two_factor(self) -> bool:
        """Whether this account must prove a second factor before using the site."""
        return self.is_superuser or self.role in ROLES_THAT_SEE_PERSON_RECORDS


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    is_lead = models.BooleanField(default=False, help_text="Team leads see safeguarding notes.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class AuditEvent(models.Model):
    """Who did what to which record, and when. Written once, never changed.

    Holds no personal data about the record itself: the record is named by its
    type and id. ``actor_label`` keeps who acted readable after their account goes.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        EXPORT = "export", "Exported"
        ERASE = "erase", "Erased"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        TWO_FACTOR_SET_UP = "two_factor_set_up", "Set up two-factor sign-in"
        TWO_FACTOR_VERIFIED = "two_factor_verified", "Verified with two-factor code"
        TWO_FACTOR_REPLACED = "two_factor_replaced", "Replaced two-factor authenticator"
        TWO_FACTOR_RESET = "two_factor_reset", "Reset someone's two-factor sign-in"
        SIGNED_UP = "signed_up", "Signed up"
        EMAIL_VERIFIED = "email_verified", "Confirmed their email address"
        PASSWORD_RESET = "password_reset", "Reset their password by email"
        PASSWORD_CHANGED = "password_changed", "Changed their password"

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_events"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=24, choices=Action.choices)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    target_id = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target")]

    def __str__(self) -> str:
        target = f" {self.target_type.model} #{self.target_id}" if self.target_type else ""
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()}{target}"
