"""What care's quarterly returns hold about a person, for a subject access export, and its erasure.

A return is reached through the budget it accounts for, and so through the person the budget is
for (``people.signals``). Erasure of the person clears the words that can describe them (the note,
the evidence's references, the thread's messages); the figures, the dates and who acted stay,
because the council must account for the money. Erasing a sign-in takes its name off the returns
and messages it wrote (the words stay: they are about the person's budget, not the sign-in)."""

from __future__ import annotations

from typing import Any

from .ledger import pounds
from .models import QuarterlyReturn, ReturnMessage

ERASED = "(erased)"


def _money(pence: int | None) -> str | None:
    return None if pence is None else pounds(pence)


def what_we_hold_on_person(sender: Any, person: Any, **kwargs: Any) -> list[dict[str, Any]]:
    from accounts.privacy import section  # here: accounts.privacy imports every app's models

    returns = list(
        QuarterlyReturn.objects.filter(budget__person=person)
        .select_related("budget")
        .prefetch_related("messages")
        .order_by("quarter_start", "pk")
    )
    if not returns:
        return []
    return [
        section(
            "care_budget_returns",
            "Personal budgets: quarterly returns",
            [
                {
                    "budget": r.budget.get_kind_display(),
                    "quarter": r.quarter_label,
                    "due_on": r.due_on.isoformat(),
                    "state": r.get_state_display(),
                    "spent_in_the_quarter": _money(r.spent_pence),
                    "paid_in": _money(r.paid_in_pence),
                    "ledger_balance": _money(r.ledger_balance_pence),
                    "bank_statement_balance": _money(r.statement_balance_pence),
                    "evidence": r.evidence.splitlines(),
                    "note": r.note,
                    "submitted_at": r.submitted_at.isoformat() if r.submitted_at else None,
                    "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                    "suspended_at": r.suspended_at.isoformat() if r.suspended_at else None,
                    "suspension_lifted_at": r.suspension_lifted_at.isoformat()
                    if r.suspension_lifted_at
                    else None,
                    "messages": [
                        {
                            "from": "the council" if m.from_council else "the answer",
                            "sent_at": m.sent_at.isoformat(),
                            "text": m.text,
                        }
                        for m in r.messages.all()
                    ],
                }
                for r in returns
            ],
        )
    ]


def forget_person(sender: Any, person: Any, **kwargs: Any) -> None:
    returns = QuarterlyReturn.objects.filter(budget__person=person)
    returns.update(note="", evidence="")
    ReturnMessage.objects.filter(budget_return__in=returns).update(text=ERASED)


def forget_account(sender: Any, user: Any, contacts: Any, **kwargs: Any) -> None:
    if user is None:
        return
    QuarterlyReturn.objects.filter(submitted_by=user).update(submitted_by=None)
    QuarterlyReturn.objects.filter(closed_by=user).update(closed_by=None)
    ReturnMessage.objects.filter(author=user).update(author=None)
