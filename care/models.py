"""Micro-providers and their checks; personal budgets and their append-only ledger."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts import audit

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
    left_on = models.DateField(
        null=True, blank=True, help_text="The day they stopped working for it: their checks no longer count."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"

    def has_left(self, today: date) -> bool:
        """Whether they had stopped working for the provider by ``today``."""
        return self.left_on is not None and self.left_on <= today


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


# Personal budgets


class BudgetCouncilSettings(models.Model):
    """A council's rules for the personal budgets it funds (set in the admin). A council without a
    row has the defaults: limits enforced, surplus ceiling of four weeks' budget."""

    council = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="budget_settings",
        limit_choices_to={"kind": "council"},
    )
    enforce_limits = models.BooleanField(
        default=True,
        help_text="Refuse spending past a budget's balance or a line's allocation. Off: record it and warn.",
    )
    surplus_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="A budget holding more than this many weeks' budget is flagged as in surplus."
    )
    return_due_days = models.PositiveSmallIntegerField(
        default=28,
        help_text="A quarterly return is due this many days after the quarter ends.",
    )
    suspend_after_days = models.PositiveSmallIntegerField(
        default=28,
        help_text="A return overdue by more than this many days suspends the budget's payments in.",
    )

    class Meta:
        verbose_name = "council's budget settings"
        verbose_name_plural = "councils' budget settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(surplus_weeks__gte=1) & Q(surplus_weeks__lte=52), name="budget_surplus_weeks_1_52"
            ),
            models.CheckConstraint(
                condition=Q(return_due_days__gte=1) & Q(return_due_days__lte=90),
                name="budget_return_due_days_1_90",
            ),
            models.CheckConstraint(
                condition=Q(suspend_after_days__lte=365), name="budget_suspend_after_days_at_most_365"
            ),
        ]

    def __str__(self) -> str:
        return f"Budget settings of {self.council}"


class FinanceOfficer(models.Model):
    """A member of a council's staff who sees all the council's personal budgets, pays them in and
    reclaims surpluses. Named in the admin; a user of the council organisation only."""

    council = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="finance_officers",
        limit_choices_to={"kind": "council"},
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="one_finance_officer_row_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} (finance, {self.council})"

    def clean(self) -> None:
        if self.council_id and self.council.kind != "council":
            raise ValidationError({"council": "Choose a council."})
        if self.user_id and self.council_id and self.user.organisation_id != self.council_id:
            raise ValidationError({"user": "Choose someone whose organisation is this council."})


class PersonalBudget(models.Model):
    """The money a council has assessed a person as needing for their support, a year at a time.

    ``balance_pence`` is kept by the ledger (``care.ledger``) with every entry, under the row's
    lock; ``care.ledger.audit`` recomputes it from the entries."""

    class Kind(models.TextChoices):
        ISF = "isf", "Individual Service Fund (held by a provider)"
        DIRECT_PAYMENT = "direct_payment", "Direct payment"
        COUNCIL_MANAGED = "council_managed", "Managed by the council"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="personal_budgets")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    council = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="personal_budgets_funded",
        limit_choices_to={"kind": "council"},
    )
    provider = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="personal_budgets_held",
        help_text="The organisation holding an Individual Service Fund (ISF budgets only).",
    )
    annual_pence = models.PositiveIntegerField("annual amount (pence)")
    weekly_contribution_pence = models.PositiveIntegerField(
        "assessed weekly contribution (pence)", default=0, help_text="What the person pays in each week."
    )
    outcomes = models.TextField(
        "outcomes it pays for", blank=True, help_text="From the support plan, in the person's words."
    )
    goals = models.ManyToManyField(
        "people.Goal", blank=True, related_name="+", help_text="The person's goals it pays towards."
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budgets_represented",
        help_text="Someone named to read the budget for the person (family, an advocate).",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    enforce_limits = models.BooleanField(
        null=True, blank=True, help_text="Empty: follow the council's setting."
    )
    balance_pence = models.BigIntegerField(default=0, editable=False)
    surplus_flagged_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the council's finance officers were told by email that the balance passed the surplus
    # ceiling (``check_budget_surpluses``); cleared when it falls back under, so each passing is
    # told once.
    surplus_told_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="isf") & Q(provider__isnull=False))
                | (~Q(kind="isf") & Q(provider__isnull=True)),
                name="budget_provider_only_for_isf",
            ),
            models.CheckConstraint(condition=Q(annual_pence__gt=0), name="budget_annual_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="budget_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Personal budget {self.pk} ({self.get_kind_display()})"

    @classmethod
    def from_db(cls, db, field_names, values):  # type: ignore[no-untyped-def]
        """Every budget read while answering a request is on its audit trail, as a person's record
        is: a successful response writes a VIEW event naming it."""
        budget = super().from_db(db, field_names, values)
        audit.loaded(budget)
        return budget

    @property
    def weekly_pence(self) -> int:
        """The annual amount over 52 weeks, to the nearest penny (halves up)."""
        return (self.annual_pence * 2 + 52) // 104


class BudgetLine(models.Model):
    """What part of a budget is for, and how much of the year's budget it is given."""

    class Kind(models.TextChoices):
        PA_HOURS = "pa_hours", "Personal assistant's hours"
        DAY_ACTIVITY = "day_activity", "Day activity"
        MICRO_PROVIDER = "micro_provider", "Visits from a micro-provider"
        RESPITE = "respite", "Short breaks"
        EQUIPMENT = "equipment", "Equipment"
        OTHER = "other", "Something else"

    budget = models.ForeignKey(PersonalBudget, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.CharField(max_length=120, help_text='In plain words: "Ann (PA)", "the lunch club".')
    allocated_pence = models.PositiveIntegerField("allocated for the year (pence)")
    spent_pence = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(allocated_pence__gt=0), name="budget_line_allocated_positive")
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def left_pence(self) -> int:
        return self.allocated_pence - self.spent_pence


class LedgerEntry(models.Model):
    """One movement of a budget's money: never changed or deleted; a mistake is corrected by a
    reversal. ``amount_pence`` is signed as it moves the balance: money in is positive, spending
    and reclaims negative, a reversal the opposite of what it reverses."""

    class Kind(models.TextChoices):
        PAYMENT_IN = "payment_in", "Council payment in"
        CONTRIBUTION = "contribution", "Your contribution"
        SPEND = "spend", "Spending"
        REVERSAL = "reversal", "Correction"
        SURPLUS_RECLAIM = "surplus_reclaim", "Surplus returned to the council"

    budget = models.ForeignKey(PersonalBudget, on_delete=models.PROTECT, related_name="entries")
    line = models.ForeignKey(
        BudgetLine, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount_pence = models.BigIntegerField()
    hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    evidence = models.CharField(max_length=100, blank=True, help_text="An invoice or timesheet reference.")
    occurred_on = models.DateField(default=timezone.localdate)
    reason = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=~Q(amount_pence=0), name="budget_entry_moves_money"),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="budget_entry_reversal_names_its_entry",
            ),
            models.CheckConstraint(
                condition=~Q(kind="spend") | (Q(line__isnull=False) & Q(amount_pence__lt=0)),
                name="budget_entry_spend_on_a_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_pence}p on budget {self.budget_id}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None and not self._state.adding:
            raise ValidationError("Budget ledger entries are never changed: record a correction instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ValidationError("Budget ledger entries are never deleted: record a correction instead.")


# Quarterly returns
#
# Whoever holds a budget's money outside the council (a direct payment's person or representative,
# an ISF's provider) accounts for each quarter to the council: ``care.return_services`` opens a
# return for each ended quarter, takes its submission, the finance officer's queries and the
# answers, and closes it; ``care.return_reminders`` reminds and suspends.


class QuarterlyReturn(models.Model):
    """One budget's account of one UK financial quarter (April to June, July to September, October
    to December, January to March) to the council funding it.

    What the ledger shows for the quarter (spending, and the balance at its end) is computed from
    the entries when the return is submitted and kept as submitted; the statement's closing balance
    is typed by whoever returns it. Overdue is not a state: a return still ``due`` after its
    ``due_on``. ``suspended_at`` (with no ``suspension_lifted_at``) suspends the budget's payments
    in; closing the return lifts it."""

    class State(models.TextChoices):
        DUE = "due", "Due"
        SUBMITTED = "submitted", "Submitted"
        QUERIED = "queried", "Queried"
        RESPONDED = "responded", "Answered"
        CLOSED = "closed", "Closed"

    budget = models.ForeignKey(PersonalBudget, on_delete=models.PROTECT, related_name="returns")
    quarter_start = models.DateField()
    quarter_end = models.DateField()
    due_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DUE)
    spent_pence = models.BigIntegerField(null=True, blank=True, editable=False)
    paid_in_pence = models.BigIntegerField(null=True, blank=True, editable=False)
    ledger_balance_pence = models.BigIntegerField(null=True, blank=True, editable=False)
    statement_balance_pence = models.BigIntegerField(
        "closing balance on the bank statement (pence)", null=True, blank=True
    )
    note = models.TextField(blank=True)
    evidence = models.TextField(
        blank=True, help_text="References of the statements and invoices, one a line (no files)."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True, editable=False)
    suspension_lifted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-quarter_start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "quarter_start"], name="one_return_per_budget_quarter"),
            models.CheckConstraint(
                condition=Q(quarter_end__gt=F("quarter_start")) & Q(due_on__gt=F("quarter_end")),
                name="budget_return_due_after_its_quarter",
            ),
            models.CheckConstraint(
                condition=Q(state="due")
                | (Q(submitted_at__isnull=False) & Q(statement_balance_pence__isnull=False)),
                name="budget_return_submitted_has_its_figures",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False),
                name="budget_return_closed_says_when",
            ),
            models.CheckConstraint(
                condition=Q(suspension_lifted_at__isnull=True) | Q(suspended_at__isnull=False),
                name="budget_return_lifts_only_a_suspension",
            ),
        ]

    def __str__(self) -> str:
        return f"Quarterly return {self.pk} ({self.quarter_start:%b %Y}, budget {self.budget_id})"

    @classmethod
    def from_db(cls, db, field_names, values):  # type: ignore[no-untyped-def]
        """Every return read while answering a request is on its audit trail, as its budget is."""
        found = super().from_db(db, field_names, values)
        audit.loaded(found)
        return found

    @property
    def quarter_label(self) -> str:
        """For example, July to September 2026."""
        return f"{self.quarter_start:%B} to {self.quarter_end:%B %Y}"

    @property
    def difference_pence(self) -> int | None:
        """The bank statement's closing balance less the ledger's, once submitted."""
        if self.statement_balance_pence is None or self.ledger_balance_pence is None:
            return None
        return self.statement_balance_pence - self.ledger_balance_pence

    @property
    def is_suspending(self) -> bool:
        return self.suspended_at is not None and self.suspension_lifted_at is None

    def is_overdue(self, today: date) -> bool:
        return self.state == self.State.DUE and self.due_on < today


class ReturnMessage(models.Model):
    """One message in a return's thread: the finance officer's question, or the answer."""

    budget_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_council = models.BooleanField(help_text="A finance officer's question (else the answer).")
    text = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"Message {self.pk} on return {self.budget_return_id}"


class ReturnReminder(models.Model):
    """A reminder sent about a return: a week before it is due, on the day, when overdue. Each once."""

    class Kind(models.TextChoices):
        WEEK_BEFORE = "week_before", "A week before it is due"
        DUE_TODAY = "due_today", "On the day it is due"
        OVERDUE = "overdue", "Overdue"

    budget_return = models.ForeignKey(QuarterlyReturn, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["budget_return", "kind"], name="one_return_reminder_of_each_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder about return {self.budget_return_id}"
