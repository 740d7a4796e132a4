"""Micro-providers and their checks; personal budgets and their append-only ledger."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts import audit

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

    class Meta:
        verbose_name = "council's budget settings"
        verbose_name_plural = "councils' budget settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(surplus_weeks__gte=1) & Q(surplus_weeks__lte=52), name="budget_surplus_weeks_1_52"
            )
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
