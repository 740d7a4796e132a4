"""Micro-providers and their checks; personal budgets and their append-only ledger."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# Micro-providers
#
# A micro-provider is a directory provider (its listings are the directory's, published through
# Open Referral UK as every listing is) with what a small care and support enterprise adds: what it
# offers, where and when, its price, languages, CQC registration, its workers and the checks that
# keep it listed. ``provider_services`` hides its published listings when a required check runs out
# and shows them again when the check is renewed (``HiddenListing`` remembers which).

WEEKDAY_CHOICES = [
    (n, d)
    for n, d in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
]


class Offer(models.TextChoices):
    PERSONAL_CARE = "personal_care", "Personal care"
    COMPANIONSHIP = "companionship", "Companionship"
    HELP_AT_HOME = "help_at_home", "Help at home"
    GETTING_OUT = "getting_out", "Getting out"
    RESPITE = "respite", "Respite for carers"


class MicroProvider(models.Model):
    """A small local care and support enterprise (1 to 8 people) listed in the directory."""

    provider = models.OneToOneField(
        "directory.Provider", on_delete=models.PROTECT, related_name="micro_provider"
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="micro_providers",
        help_text="The council's micro-enterprise team: its coordinators check and support this provider.",
    )
    owner_name = models.CharField(max_length=200, help_text="Who runs it.")
    offers = models.JSONField(default=list, blank=True, help_text="Codes of what it offers (Offer).")
    base_postcode = models.ForeignKey(
        "places.Postcode",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where it works from: distances are measured from here.",
    )
    covers_postcode_areas = models.CharField(
        max_length=500,
        blank=True,
        help_text="Postcode districts or sectors it covers, separated by commas (for example: M33, M32 9).",
    )
    covers_radius_miles = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Or: how far from its base it goes, in miles.",
    )
    price_per_hour_pence = models.PositiveIntegerField(help_text="What an hour costs, in pence.")
    languages = models.JSONField(default=list, blank=True, help_text="Languages spoken, as names.")
    needs_cqc_registration = models.BooleanField(
        default=False, help_text="Two or more staff doing regulated activity (personal care)."
    )
    cqc_number = models.CharField(max_length=20, blank=True, help_text="Its CQC registration number.")
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(needs_cqc_registration=False) | ~Q(cqc_number=""),
                name="micro_provider_cqc_number_when_registered",
            ),
            models.CheckConstraint(
                condition=~Q(covers_postcode_areas="") | Q(covers_radius_miles__isnull=False),
                name="micro_provider_covers_an_area",
            ),
        ]

    def __str__(self) -> str:
        return str(self.provider)

    def offer_labels(self) -> list[str]:
        return [Offer(code).label for code in self.offers if code in Offer.values]


class ProviderWorker(models.Model):
    """Someone who works for a micro-provider besides its owner."""

    micro_provider = models.ForeignKey(MicroProvider, on_delete=models.CASCADE, related_name="workers")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, help_text="For example: support worker.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class ProviderAvailability(models.Model):
    """A time the provider usually works each week (Monday is 0), in Europe/London time."""

    micro_provider = models.ForeignKey(MicroProvider, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAY_CHOICES)
    starts_at = models.TimeField()
    ends_at = models.TimeField()

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name_plural = "provider availability"
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="provider_availability_weekday"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="provider_availability_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()}s {self.starts_at:%H:%M} to {self.ends_at:%H:%M}"


class ProviderCheck(models.Model):
    """One check of a micro-provider, with its evidence, who verified it and when it runs out.

    A check is about the owner (``worker`` empty) or one worker. The latest check of each kind for
    each of them counts: when a *required* one has run out, the provider's listings are hidden."""

    class Kind(models.TextChoices):
        DBS = "dbs", "DBS check"
        INSURANCE = "insurance", "Public liability insurance"
        SAFEGUARDING = "safeguarding", "Safeguarding training"
        TRAINING = "training", "Other training"
        HMRC = "hmrc", "Registered self-employed with HMRC"
        REFERENCES = "references", "References"

    # The quality criteria (Community Catalysts, Leeds) ask for public liability cover of £5 million.
    INSURANCE_CRITERION_PENCE = 5_000_000_00

    micro_provider = models.ForeignKey(MicroProvider, on_delete=models.CASCADE, related_name="checks")
    worker = models.ForeignKey(
        ProviderWorker,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checks",
        help_text="Empty: the check is of the owner (or the business, for insurance).",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    evidence_reference = models.CharField(
        max_length=100, help_text="The certificate, policy or letter seen, by its number or name."
    )
    amount_pence = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Insurance: the cover, in pence."
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Empty: does not run out.")
    required = models.BooleanField(default=True, help_text="When it runs out, the provider is hidden.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-verified_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("verified_on")),
                name="provider_check_expires_after_it_is_verified",
            ),
            models.CheckConstraint(
                condition=~Q(kind="insurance") | Q(amount_pence__isnull=False),
                name="provider_insurance_check_has_an_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.worker or self.micro_provider}"

    @property
    def cover(self) -> str:
        """The insurance cover in pounds ("£5,000,000"), or "" when there is none."""
        if self.amount_pence is None:
            return ""
        pence = self.amount_pence % 100
        return f"£{self.amount_pence // 100:,}" + (f".{pence:02d}" if pence else "")

    @property
    def meets_insurance_criterion(self) -> bool:
        return self.amount_pence is not None and self.amount_pence >= self.INSURANCE_CRITERION_PENCE


class HiddenListing(models.Model):
    """A listing hidden from searches because one of its provider's required checks ran out: it is
    published again (and this row deleted) when the checks are all in date again."""

    service = models.OneToOneField("directory.Service", on_delete=models.CASCADE, related_name="+")
    micro_provider = models.ForeignKey(
        MicroProvider, on_delete=models.CASCADE, related_name="hidden_listings"
    )
    hidden_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.service_id} hidden on {self.hidden_on}"


class CheckReminder(models.Model):
    """A reminder that a check runs out on ``expires_on``: one per check per date."""

    check_record = models.ForeignKey(ProviderCheck, on_delete=models.CASCADE, related_name="reminders")
    expires_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["check_record", "expires_on"], name="one_reminder_per_provider_check_expiry"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder about {self.check_record} ({self.expires_on})"


class ContactRequest(models.Model):
    """A resident's (or a coordinator's, for a person) request to be contacted by a provider.

    Stored for the provider only: shown to its editors and emailed to them, never listed anywhere
    else; who sent it is kept so it can be erased with them."""

    micro_provider = models.ForeignKey(
        MicroProvider, on_delete=models.CASCADE, related_name="contact_requests"
    )
    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=254, help_text="A phone number or email address to reply to.")
    message = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Contact request {self.pk}"


class ProviderEnquiry(models.Model):
    """Someone thinking of becoming a micro-provider, as the micro-enterprise team supports them:
    enquiry, support sessions, checks, listed."""

    class Stage(models.TextChoices):
        ENQUIRY = "enquiry", "Enquiry"
        SUPPORT = "support", "Support sessions"
        CHECKS = "checks", "Checks"
        LISTED = "listed", "Listed"
        STOPPED = "stopped", "Stopped"

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="provider_enquiries")
    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=254, help_text="A phone number or email address.")
    idea = models.TextField(blank=True, help_text="What they would like to offer, in their words.")
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.ENQUIRY)
    micro_provider = models.OneToOneField(
        MicroProvider, null=True, blank=True, on_delete=models.SET_NULL, related_name="enquiry"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "provider enquiries"
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="listed") | Q(micro_provider__isnull=False),
                name="provider_enquiry_listed_has_a_provider",
            )
        ]

    def __str__(self) -> str:
        return f"Enquiry {self.pk} ({self.get_stage_display()})"


class SupportSession(models.Model):
    """A session with someone becoming a micro-provider: what was covered."""

    enquiry = models.ForeignKey(ProviderEnquiry, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    notes = models.TextField(blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"Support session on {self.held_on}"
