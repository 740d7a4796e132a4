"""Timebanks, their members and exchanges, on a double-entry ledger of hours.

The ledger (``Ledger``, ``Account``, ``Entry``, ``Posting``) is append-only: an entry's postings
sum to zero, a correction is a reversing entry, and each account's ``balance`` is kept equal to
the sum of its postings. Write to it only through ``timebank.ledger``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

QUARTER = Decimal("0.25")


class Ledger(models.Model):
    """A book of accounts in one unit: a timebank's hours, or a scheme's time credits."""

    class Unit(models.TextChoices):
        HOURS = "hours", "hours"
        CREDITS = "credits", "time credits"

    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    # Limits on members' balances, checked when an exchange or redemption is recorded.
    min_balance = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_balance = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        COMMUNITY = "community", "Community account"  # group activities, welcome hours; a scheme's issuer
        PARTNER = "partner", "Partner venue"  # where time credits are spent

    ledger = models.ForeignKey(Ledger, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    name = models.CharField(max_length=200)
    balance = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ledger", "holder"], condition=Q(holder__isnull=False), name="one_account_per_holder"
            ),
            models.UniqueConstraint(
                fields=["ledger"], condition=Q(kind="community"), name="one_community_account_per_ledger"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def limited(self) -> bool:
        """Balance limits are for members; the community account may go below zero."""
        return self.kind == self.Kind.MEMBER


class Entry(models.Model):
    """One movement on the ledger: postings that sum to zero. Never changed or deleted."""

    class Kind(models.TextChoices):
        EXCHANGE = "exchange", "Exchange"
        WELCOME = "welcome", "Welcome hours"
        AWARD = "award", "Credits awarded"
        REDEMPTION = "redemption", "Credits spent"
        REVERSAL = "reversal", "Correction"

    ledger = models.ForeignKey(Ledger, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    memo = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("Ledger entries are never changed: record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger entries are never deleted: record a correction instead.")


class Posting(models.Model):
    """One account's side of an entry: positive adds to the balance, negative takes from it."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="posting_not_zero")]
        indexes = [models.Index(fields=["account", "entry"], name="posting_account_entry")]

    def __str__(self) -> str:
        return f"{self.amount:+} to {self.account_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError("Postings are never changed: record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Postings are never deleted: record a correction instead.")


class Timebank(models.Model):
    """A timebank with its own members, brokers, settings and ledger of hours."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="timebanks"
    )
    brokers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="timebanks_brokered")
    needs_broker_approval = models.BooleanField(
        default=False, help_text="Whether a broker approves each exchange before it is recorded."
    )
    welcome_hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1.00"))
    ledger = models.OneToOneField(Ledger, on_delete=models.PROTECT, related_name="timebank")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        LEFT = "left", "Left"

    timebank = models.ForeignKey(Timebank, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="timebank_memberships"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    applied_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    welcome_note = models.TextField(blank=True, help_text="The welcome conversation.")
    checks_note = models.TextField(blank=True, help_text="Any checks made (references, DBS where needed).")
    account = models.OneToOneField(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="membership"
    )

    class Meta:
        ordering = ["timebank", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["timebank", "user"], name="one_membership_per_timebank")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.timebank}"


class Exchange(models.Model):
    """Time given by one member (who earns the hours) to another (who spends them), or to or from
    the community account. Proposed, confirmed, then recorded on the ledger; or cancelled."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed, waiting for a broker"
        RECORDED = "recorded", "Recorded"
        CANCELLED = "cancelled", "Cancelled"
        REVERSED = "reversed", "Corrected (reversed)"

    timebank = models.ForeignKey(Timebank, on_delete=models.PROTECT, related_name="exchanges")
    giver = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="hours_given")
    receiver = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="hours_received")
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    description = models.CharField(max_length=300)
    happened_on = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entry = models.OneToOneField(
        Entry, null=True, blank=True, on_delete=models.PROTECT, related_name="exchange"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="exchange_hours_positive"),
            models.CheckConstraint(condition=~Q(giver=models.F("receiver")), name="exchange_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} hours: {self.description}"


class Post(models.Model):
    """An offer of help, or a request for it, on a timebank's board."""

    class Kind(models.TextChoices):
        OFFER = "offer", "Offer"
        REQUEST = "request", "Request"

    timebank = models.ForeignKey(Timebank, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    category = models.ForeignKey(
        "directory.TaxonomyTerm", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.CharField(
        max_length=200, blank=True, help_text="Words people might search for, separated by commas."
    )
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["timebank", "is_open", "kind"], name="post_board")]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class Reply(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="replies")
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply to {self.post}"


class CreditScheme(models.Model):
    """Time credits: organisations award them for volunteering, partner venues take them. Kept on
    their own ledger (whole credits; members cannot go below zero), apart from timebank hours."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="credit_schemes"
    )
    awarding_organisations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="credit_schemes_awarding",
        help_text="Organisations whose editors award credits for volunteering.",
    )
    ledger = models.OneToOneField(Ledger, on_delete=models.PROTECT, related_name="credit_scheme")
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A venue that takes time credits: a leisure centre, a cinema, a football club."""

    scheme = models.ForeignKey(CreditScheme, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    account = models.OneToOneField(Account, on_delete=models.PROTECT, related_name="partner")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credit_partners",
        help_text="The organisation running the venue: its editors and brokers check codes.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerOffer(models.Model):
    """What a credit buys at a partner: "a swim for 1 credit"."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="offers")
    what = models.CharField(max_length=200)
    credits = models.PositiveSmallIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["partner__name", "credits", "what"]
        constraints = [
            models.CheckConstraint(condition=Q(credits__gte=1), name="partner_offer_costs_a_credit")
        ]

    def __str__(self) -> str:
        return f"{self.what} ({self.credits} credits)"


# Short codes a volunteer shows and a venue types: no 0/O, 1/I/L to mistake for one another.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


class Redemption(models.Model):
    """Credits spent at a partner venue: the ledger's entry, a short code the venue checks, and
    what became of it. Undone by the volunteer (a reversing entry, within ``UNDO_WINDOW``) or used
    at the venue: never both."""

    UNDO_WINDOW = timedelta(minutes=10)

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="redemptions")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="redemptions")
    what = models.CharField(max_length=200)  # the offer as it was when spent
    credits = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=CODE_LENGTH, unique=True)
    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="redemption")
    spent_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-spent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True) | Q(used_at__isnull=True),
                name="redemption_undone_or_used_not_both",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.what} at {self.partner}"

    @property
    def undo_until(self):
        return self.spent_at + self.UNDO_WINDOW

    def may_be_undone(self, now=None) -> bool:
        """Neither undone nor used, and still within the window."""
        now = now or timezone.now()
        return self.undone_at is None and self.used_at is None and now <= self.undo_until
