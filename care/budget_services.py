"""Personal budget actions: setting one up, its lines, paying in, contributions, spending,
corrections, and the surplus check and reclaim.

Each is one transaction; a refusal is a ``common.errors.Refusal`` naming the field (``NotPermitted``
when the requester may not do it) and writes nothing. Who may do what is asked of
``care.budget_selectors``. Every change is audited against the budget."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, User
from accounts.permissions import Requester
from accounts.services import record_audit_event
from common.errors import NotPermitted, Refusal
from people.models import Goal, Person

from . import budget_selectors as selectors
from . import ledger
from .ledger import Posted, check_pence, pounds
from .models import BudgetLine, LedgerEntry, PersonalBudget
from .return_services import refuse_payment_while_suspended

MOST_HOURS = Decimal("1000")


def _finance_only(user: Requester, budget: PersonalBudget) -> User:
    if not selectors.may_fund_budget(user, budget):
        raise NotPermitted(f"Only {budget.council}'s finance officers can do this.")
    assert isinstance(user, User)
    return user


def _text(value: Any, field: str, *, required: bool = False, most: int = 300) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise Refusal(f"Enter the {field.replace('_', ' ')}.", field=field)
    if len(text) > most:
        raise Refusal(f"The {field.replace('_', ' ')} must be at most {most} characters.", field=field)
    return text


def _day(value: Any, field: str) -> date:
    if value is None:
        return timezone.localdate()
    if not isinstance(value, date):
        raise Refusal(f"Enter the {field.replace('_', ' ')} as a date.", field=field)
    if value > timezone.localdate():
        raise Refusal(f"The {field.replace('_', ' ')} cannot be in the future.", field=field)
    return value


def _hours(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        raise Refusal("The hours must be a number, like 3.5.", field="hours") from None
    if not hours.is_finite() or hours <= 0 or hours > MOST_HOURS or hours % Decimal("0.25"):
        raise Refusal("The hours must be in quarter hours between 0.25 and 1,000.", field="hours")
    return hours


@transaction.atomic
def set_up_budget(
    user: Requester,
    person: Person,
    *,
    kind: str,
    council: Organisation,
    annual_pence: int,
    starts_on: date,
    provider: Organisation | None = None,
    weekly_contribution_pence: int = 0,
    outcomes: str = "",
    representative: User | None = None,
    ends_on: date | None = None,
    enforce_limits: bool | None = None,
) -> PersonalBudget:
    """A council's finance officer sets up a person's budget. ``enforce_limits`` None follows the
    council's setting."""
    if not selectors.is_finance_officer(user, council.pk):
        raise NotPermitted(f"Only {council}'s finance officers can set up its personal budgets.")
    if kind not in PersonalBudget.Kind.values:
        raise Refusal("Choose the kind of budget.", field="kind")
    if kind == PersonalBudget.Kind.ISF and provider is None:
        raise Refusal("Choose the provider holding the Individual Service Fund.", field="provider")
    if kind != PersonalBudget.Kind.ISF:
        provider = None
    if provider is not None and provider.pk == council.pk:
        raise Refusal("An ISF is held by a provider, not the council.", field="provider")
    if person.erased_at is not None:
        raise Refusal("This record has been erased.", field="person")
    annual = check_pence(annual_pence, "annual_pence")
    if isinstance(weekly_contribution_pence, bool) or not isinstance(weekly_contribution_pence, int):
        raise Refusal("The contribution must be a whole number of pence.", field="weekly_contribution_pence")
    if weekly_contribution_pence < 0:
        raise Refusal("The contribution cannot be less than zero.", field="weekly_contribution_pence")
    if ends_on is not None and ends_on < starts_on:
        raise Refusal("The end date must be on or after the start date.", field="ends_on")
    budget = PersonalBudget.objects.create(
        person=person,
        kind=kind,
        council=council,
        provider=provider,
        annual_pence=annual,
        weekly_contribution_pence=weekly_contribution_pence,
        outcomes=_text(outcomes, "outcomes", most=2000),
        representative=representative,
        starts_on=starts_on,
        ends_on=ends_on,
        enforce_limits=enforce_limits,
    )
    record_audit_event(user, AuditEvent.Action.CREATE, budget, note="personal budget set up")
    return budget


@transaction.atomic
def add_line(
    user: Requester, budget: PersonalBudget, *, kind: str, description: str, allocated_pence: int
) -> BudgetLine:
    """A finance officer gives part of the year's budget to something; the lines together may not
    be given more than the annual amount."""
    _finance_only(user, budget)
    if kind not in BudgetLine.Kind.values:
        raise Refusal("Choose what the line is for.", field="kind")
    allocated = check_pence(allocated_pence, "allocated_pence")
    PersonalBudget.objects.select_for_update().get(pk=budget.pk)
    given = budget.lines.aggregate(total=Sum("allocated_pence"))["total"] or 0
    if given + allocated > budget.annual_pence:
        raise Refusal(
            "The lines would be given more than the annual amount: "
            f"{pounds(budget.annual_pence - given)} is left to give.",
            field="allocated_pence",
        )
    line = BudgetLine.objects.create(
        budget=budget,
        kind=kind,
        description=_text(description, "description", required=True, most=120),
        allocated_pence=allocated,
    )
    record_audit_event(user, AuditEvent.Action.UPDATE, budget, note="budget line added")
    return line


def _flag_surplus(budget: PersonalBudget) -> None:
    """Flag the budget when its balance passes its surplus ceiling; clear the flag when it no
    longer does."""
    surplus = selectors.surplus_of(budget)
    flagged = PersonalBudget.objects.filter(pk=budget.pk)
    if surplus.passed:
        flagged.filter(surplus_flagged_at__isnull=True).update(surplus_flagged_at=timezone.now())
    else:
        # Back under the ceiling: the next passing is a new one, told again.
        flagged.update(surplus_flagged_at=None, surplus_told_at=None)
    budget.refresh_from_db(fields=["balance_pence", "surplus_flagged_at", "surplus_told_at"])


@transaction.atomic
def pay_in(
    user: Requester,
    budget: PersonalBudget,
    *,
    amount_pence: int,
    occurred_on: date | None = None,
    reason: str = "",
    evidence: str = "",
) -> LedgerEntry:
    """The council pays money into the budget (with its payment reference, when given)."""
    by = _finance_only(user, budget)
    PersonalBudget.objects.select_for_update().get(pk=budget.pk)
    refuse_payment_while_suspended(budget)  # a quarterly return long overdue stops payments in
    posted = ledger.post(
        budget,
        LedgerEntry.Kind.PAYMENT_IN,
        check_pence(amount_pence),
        by=by,
        occurred_on=_day(occurred_on, "occurred_on"),
        reason=_text(reason, "reason"),
        evidence=_text(evidence, "evidence", most=100),
    )
    _flag_surplus(budget)
    record_audit_event(user, AuditEvent.Action.UPDATE, budget, note="payment in")
    return posted.entry


@transaction.atomic
def record_contribution(
    user: Requester,
    budget: PersonalBudget,
    *,
    amount_pence: int,
    occurred_on: date | None = None,
    evidence: str = "",
) -> LedgerEntry:
    """The person's assessed contribution, received by the holder of the budget."""
    if not selectors.may_record_spending(user, budget):
        raise NotPermitted("Only the budget's holder or the council's finance officers can record this.")
    assert isinstance(user, User)
    posted = ledger.post(
        budget,
        LedgerEntry.Kind.CONTRIBUTION,
        check_pence(amount_pence),
        by=user,
        occurred_on=_day(occurred_on, "occurred_on"),
        evidence=_text(evidence, "evidence", most=100),
    )
    _flag_surplus(budget)
    record_audit_event(user, AuditEvent.Action.UPDATE, budget, note="contribution recorded")
    return posted.entry


@transaction.atomic
def record_spending(
    user: Requester,
    budget: PersonalBudget,
    *,
    line: BudgetLine | None,
    amount_pence: int,
    evidence: str,
    occurred_on: date | None = None,
    hours: Any = None,
    reason: str = "",
) -> Posted:
    """Spending on one of the budget's lines, with its evidence (an invoice or timesheet
    reference). Past the balance or the line's allocation it is refused when the budget's limits
    are enforced (its own setting, else its council's), else recorded with the warnings."""
    if not selectors.may_record_spending(user, budget):
        raise NotPermitted("Only the budget's holder or the council's finance officers can record spending.")
    assert isinstance(user, User)
    if line is None or line.budget_id != budget.pk:
        raise Refusal("Choose a line of this budget.", field="line")
    posted = ledger.post(
        budget,
        LedgerEntry.Kind.SPEND,
        -check_pence(amount_pence),
        by=user,
        line=line,
        evidence=_text(evidence, "evidence", required=True, most=100),
        occurred_on=_day(occurred_on, "occurred_on"),
        hours=_hours(hours),
        reason=_text(reason, "reason"),
        enforce_limits=selectors.enforces_limits(budget),
    )
    _flag_surplus(budget)
    record_audit_event(user, AuditEvent.Action.UPDATE, budget, note="spending recorded")
    return posted


@transaction.atomic
def correct_entry(user: Requester, entry: LedgerEntry, *, reason: str) -> LedgerEntry:
    """Correct a mistaken entry by a reversal (the original stays on the ledger)."""
    if not selectors.may_correct_entry(user, entry):
        raise NotPermitted(
            "Only the budget's holder or the council's finance officers can correct this entry."
        )
    assert isinstance(user, User)
    reversal = ledger.reverse(entry, by=user, reason=_text(reason, "reason", required=True))
    _flag_surplus(entry.budget)
    record_audit_event(user, AuditEvent.Action.UPDATE, entry.budget, note="entry corrected")
    return reversal


def check_surplus(budget: PersonalBudget) -> selectors.Surplus:
    """Flag (or clear) the budget's surplus by its ceiling now, and say where it stands."""
    with transaction.atomic():
        PersonalBudget.objects.select_for_update().get(pk=budget.pk)
        _flag_surplus(budget)
    return selectors.surplus_of(budget)


@transaction.atomic
def reclaim_surplus(
    user: Requester, budget: PersonalBudget, *, amount_pence: int | None = None, reason: str = ""
) -> LedgerEntry:
    """A finance officer takes back what is above the surplus ceiling (all of it unless a smaller
    amount is given), as an entry on the ledger."""
    by = _finance_only(user, budget)
    PersonalBudget.objects.select_for_update().get(pk=budget.pk)
    surplus = selectors.surplus_of(budget)
    if not surplus.passed:
        raise Refusal(
            f"The budget is not over its ceiling of {pounds(surplus.ceiling_pence)} "
            f"({surplus.weeks} weeks' budget).",
            field="amount_pence",
        )
    amount = surplus.excess_pence if amount_pence is None else check_pence(amount_pence, "amount_pence")
    if amount > surplus.excess_pence:
        raise Refusal(
            f"Only the surplus above the ceiling may be reclaimed: at most {pounds(surplus.excess_pence)}.",
            field="amount_pence",
        )
    posted = ledger.post(
        budget,
        LedgerEntry.Kind.SURPLUS_RECLAIM,
        -amount,
        by=by,
        reason=_text(reason, "reason") or f"Surplus above {surplus.weeks} weeks' budget",
    )
    _flag_surplus(budget)
    record_audit_event(user, AuditEvent.Action.UPDATE, budget, note="surplus reclaimed")
    return posted.entry


# Finance officers' pages (``care.finance_views``)


@transaction.atomic
def set_up_budget_for_person(
    user: Requester,
    person: Person,
    *,
    kind: str,
    annual_pence: int,
    starts_on: date,
    provider: Organisation | None = None,
    weekly_contribution_pence: int | None = 0,
    outcomes: str = "",
    goals: Iterable[Goal] = (),
    representative_email: str = "",
    ends_on: date | None = None,
) -> PersonalBudget:
    """A finance officer of the council whose team keeps the person's record sets up their budget:
    funded by that council, an ISF held by a provider with someone to record its spending, the
    representative found by their sign-in's email address, paying towards the person's own goals."""
    council = selectors.council_of_person(person)
    if council is None or not selectors.is_finance_officer(user, council.pk):
        raise NotPermitted(
            "Only the finance officers of the council keeping this record can set up a budget."
        )
    if (
        kind == PersonalBudget.Kind.ISF
        and provider is not None
        and not selectors.isf_holders().filter(pk=provider.pk).exists()
    ):
        raise Refusal(
            f"{provider} has nobody to hold an Individual Service Fund: choose a provider with an "
            "organisation editor, or ask them to add one.",
            field="provider",
        )
    representative = None
    if representative_email and representative_email.strip():
        representative = selectors.sign_in_by_email(representative_email)
        if representative is None:
            raise Refusal(
                "Nobody signs in with this email address: check it, or ask the representative to "
                "create an account first.",
                field="representative_email",
            )
    chosen = list(goals)
    if any(goal.person_id != person.pk for goal in chosen):
        raise Refusal("Choose goals of this person only.", field="goals")
    budget = set_up_budget(
        user,
        person,
        kind=kind,
        council=council,
        annual_pence=annual_pence,
        starts_on=starts_on,
        provider=provider,
        weekly_contribution_pence=weekly_contribution_pence or 0,
        outcomes=outcomes,
        representative=representative,
        ends_on=ends_on,
    )
    budget.goals.set(chosen)
    return budget


@transaction.atomic
def change_line(
    user: Requester, line: BudgetLine, *, kind: str, description: str, allocated_pence: int
) -> BudgetLine:
    """A finance officer changes what a line is for, its words or its allowance for the year. The
    ledger is not touched: what was spent on the line stays as it was recorded. The allowance may
    not go below what is already spent on the line, nor the lines together past the annual amount."""
    budget = line.budget
    _finance_only(user, budget)
    if kind not in BudgetLine.Kind.values:
        raise Refusal("Choose what the line is for.", field="kind")
    allocated = check_pence(allocated_pence, "allocated_pence")
    words = _text(description, "description", required=True, most=120)
    # Budget first, then line: the order every ledger writer takes the locks in.
    locked_budget = PersonalBudget.objects.select_for_update().get(pk=budget.pk)
    locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if allocated < locked.spent_pence:
        raise Refusal(
            f"{pounds(locked.spent_pence)} has already been spent on this line: give it at least that much.",
            field="allocated_pence",
        )
    others = locked_budget.lines.exclude(pk=locked.pk).aggregate(total=Sum("allocated_pence"))["total"] or 0
    if others + allocated > locked_budget.annual_pence:
        raise Refusal(
            "The lines would be given more than the annual amount: "
            f"at most {pounds(locked_budget.annual_pence - others)} can go to this line.",
            field="allocated_pence",
        )
    before = locked.allocated_pence
    BudgetLine.objects.filter(pk=locked.pk).update(kind=kind, description=words, allocated_pence=allocated)
    # The note names the line by id and amounts only: its words can name a person.
    record_audit_event(
        user,
        AuditEvent.Action.UPDATE,
        budget,
        note=f"budget line {locked.pk} changed: allowance {pounds(before)} to {pounds(allocated)}",
    )
    locked.refresh_from_db()
    return locked
