"""What care's personal budgets hold about a person, for a subject access export, and its erasure.

A budget is reached through the person record it is for (``people.signals``) and, for the
representative named on it, through their sign-in (``accounts.privacy``'s signals). Erasure of the
person clears the words that can describe them (the outcomes, the goals it pays towards, each
entry's reason and evidence reference, each line's description); the money stays, because the
council must account for it, and the ledger refuses to change what an entry moved. Erasure of a
representative's sign-in takes them off the budgets they were named on."""

from __future__ import annotations

from typing import Any

from .ledger import pounds
from .models import BudgetLine, LedgerEntry, PersonalBudget

ERASED = "(erased)"


def _sections(budgets: list[PersonalBudget]) -> list[dict[str, Any]]:
    from accounts.privacy import section  # here: accounts.privacy imports every app's models

    return [
        section(
            "care_budgets",
            "Personal budgets",
            [
                {
                    "kind": b.get_kind_display(),
                    "council": b.council.name,
                    "held_by": b.provider.name if b.provider else None,
                    "annual_amount": pounds(b.annual_pence),
                    "weekly_amount": pounds(b.weekly_pence),
                    "weekly_contribution": pounds(b.weekly_contribution_pence),
                    "outcomes": b.outcomes,
                    "representative": str(b.representative) if b.representative else None,
                    "starts_on": b.starts_on.isoformat(),
                    "ends_on": b.ends_on.isoformat() if b.ends_on else None,
                    "balance": pounds(b.balance_pence),
                    "lines": [
                        {
                            "for": line.description,
                            "allocated": pounds(line.allocated_pence),
                            "spent": pounds(line.spent_pence),
                        }
                        for line in b.lines.all()
                    ],
                }
                for b in budgets
            ],
        ),
        section(
            "care_budget_entries",
            "Personal budgets: money in and out",
            [
                {
                    "on": e.occurred_on.isoformat(),
                    "what": e.get_kind_display(),
                    "line": e.line.description if e.line else None,
                    "amount": pounds(e.amount_pence),
                    "hours": str(e.hours) if e.hours is not None else None,
                    "evidence": e.evidence,
                    "reason": e.reason,
                }
                for e in LedgerEntry.objects.filter(budget__in=budgets)
                .select_related("line")
                .order_by("occurred_on", "pk")
            ],
        ),
    ]


def what_we_hold_on_person(sender: Any, person: Any, **kwargs: Any) -> list[dict[str, Any]]:
    budgets = list(
        PersonalBudget.objects.filter(person=person).select_related("council", "provider", "representative")
    )
    return _sections(budgets) if budgets else []


def forget_person(sender: Any, person: Any, **kwargs: Any) -> None:
    budgets = PersonalBudget.objects.filter(person=person)
    for budget in budgets:
        budget.goals.clear()
    budgets.update(outcomes="")
    LedgerEntry.objects.filter(budget__in=budgets).update(reason="", evidence="")
    BudgetLine.objects.filter(budget__in=budgets).update(description=ERASED)


def what_we_hold_on_account(sender: Any, user: Any, contacts: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """A representative is told which budgets they are named on, not what the budgets hold: the
    money is the person's, whose own export has it."""
    from accounts.privacy import section

    if user is None:
        return []
    represented = PersonalBudget.objects.filter(representative=user).select_related("council")
    if not represented:
        return []
    return [
        section(
            "care_budgets_represented",
            "Personal budgets you are named as representative on",
            [
                {
                    "council": b.council.name,
                    "kind": b.get_kind_display(),
                    "starts_on": b.starts_on.isoformat(),
                }
                for b in represented
            ],
        )
    ]


def forget_account(sender: Any, user: Any, contacts: Any, **kwargs: Any) -> None:
    if user is not None:
        PersonalBudget.objects.filter(representative=user).update(representative=None)
