"""The one way to write to a personal budget's ledger, in pence: entries that are never changed,
the budget's balance and each line's spending kept with them, limits checked at the moment of
writing, corrections as reversing entries. The design is the timebank's (``timebank.ledger``), in
money and with one account per budget.

Concurrency: the budget's row, then the line's, is locked (``select_for_update``) before the
balance and the line's spending are read, so two writers spending on one line run one after the
other and the second sees what the first spent. On SQLite writers are serialised
(``BEGIN IMMEDIATE``) and the same holds. A refused entry writes nothing."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import User
from common.errors import Refusal
from common.money import pounds  # care modules import it from here too

from .models import BudgetLine, LedgerEntry, PersonalBudget

logger = logging.getLogger(__name__)

# The largest single amount anyone may record: ten million pounds, past any care budget.
MOST_PENCE = 1_000_000_000


class BudgetLedgerError(Refusal):
    """An entry that cannot be written, with a message a person understands."""


def check_pence(amount: object, field: str = "amount") -> int:
    """A whole, positive number of pence, at most ``MOST_PENCE``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise BudgetLedgerError(f"The {field} must be a whole number of pence.", field=field)
    if amount <= 0:
        raise BudgetLedgerError(f"The {field} must be more than zero.", field=field)
    if amount > MOST_PENCE:
        raise BudgetLedgerError(f"The {field} must be at most {pounds(MOST_PENCE)}.", field=field)
    return amount


@dataclass
class Posted:
    """An entry written, and what it passed that would have been refused with limits enforced."""

    entry: LedgerEntry
    warnings: list[str] = field(default_factory=list)


@transaction.atomic
def post(
    budget: PersonalBudget,
    kind: str,
    amount_pence: int,
    *,
    by: User | None,
    line: BudgetLine | None = None,
    evidence: str = "",
    reason: str = "",
    hours: Decimal | None = None,
    occurred_on: date | None = None,
    reverses: LedgerEntry | None = None,
    enforce_limits: bool = True,
) -> Posted:
    """Write one entry moving ``budget``'s balance by ``amount_pence`` (signed) and, with a line,
    the line's spending by its opposite. Spending past the balance or the line's allocation is
    refused with ``enforce_limits``, else written with a warning; a reclaim may never take the
    balance below zero; a reversal is always written (a correction must always be possible)."""
    if amount_pence == 0:
        raise BudgetLedgerError("An entry must move some money.", field="amount")
    # Budget first, then line: every writer takes the locks in the same order.
    locked = PersonalBudget.objects.select_for_update().get(pk=budget.pk)
    locked_line = None
    if line is not None:
        locked_line = BudgetLine.objects.select_for_update().get(pk=line.pk)
        if locked_line.budget_id != locked.pk:
            raise BudgetLedgerError("Choose a line of this budget.", field="line")
    warnings: list[str] = []
    if kind == LedgerEntry.Kind.SPEND:
        assert locked_line is not None
        problems = []
        if locked.balance_pence + amount_pence < 0:
            problems.append(
                f"This is more than the budget holds ({pounds(locked.balance_pence)} left).",
            )
        if locked_line.spent_pence - amount_pence > locked_line.allocated_pence:
            problems.append(
                f"This is more than is left for {locked_line.description} "
                f"({pounds(max(locked_line.left_pence, 0))} of {pounds(locked_line.allocated_pence)})."
            )
        if problems and enforce_limits:
            logger.info("Refused spending on budget %s line %s: over a limit", locked.pk, locked_line.pk)
            raise BudgetLedgerError(" ".join(problems), field="amount")
        warnings = problems
    if kind == LedgerEntry.Kind.SURPLUS_RECLAIM and locked.balance_pence + amount_pence < 0:
        raise BudgetLedgerError(
            f"A reclaim cannot take more than the budget holds ({pounds(locked.balance_pence)}).",
            field="amount",
        )
    entry = LedgerEntry.objects.create(
        budget=locked,
        line=locked_line,
        kind=kind,
        amount_pence=amount_pence,
        hours=hours,
        evidence=evidence[:100],
        reason=reason[:300],
        occurred_on=occurred_on or timezone.localdate(),
        recorded_by=by,
        reverses=reverses,
    )
    PersonalBudget.objects.filter(pk=locked.pk).update(balance_pence=F("balance_pence") + amount_pence)
    if locked_line is not None:
        BudgetLine.objects.filter(pk=locked_line.pk).update(spent_pence=F("spent_pence") - amount_pence)
    logger.info("Posted budget entry %s (%s) on budget %s", entry.pk, kind, locked.pk)
    return Posted(entry, warnings)


@transaction.atomic
def reverse(entry: LedgerEntry, *, by: User | None, reason: str) -> LedgerEntry:
    """Correct an entry by writing its opposite on the same budget and line. An entry is reversed
    once at most, and a correction is not itself reversed (record a new entry instead)."""
    locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.kind == LedgerEntry.Kind.REVERSAL:
        raise BudgetLedgerError("A correction cannot itself be corrected: record a new entry instead.")
    if LedgerEntry.objects.filter(reverses=locked).exists():
        raise BudgetLedgerError("This entry has already been corrected.")
    return post(
        locked.budget,
        LedgerEntry.Kind.REVERSAL,
        -locked.amount_pence,
        by=by,
        line=locked.line,
        reason=reason or f"Correction of entry {locked.pk}",
        hours=-locked.hours if locked.hours is not None else None,
        occurred_on=locked.occurred_on,
        reverses=locked,
        enforce_limits=False,
    ).entry


@dataclass(frozen=True)
class Drift:
    """Something the entries say differently from what is stored."""

    what: str
    detail: str


def audit(budgets: Iterable[PersonalBudget] | None = None) -> list[Drift]:
    """Recompute every budget's balance and every line's spending from the entries, and check each
    reversal undoes exactly its entry. Returns what does not hold (nothing, when all is well).
    Details name budgets and lines by id only: a line's description can name a person."""
    started = time.monotonic()
    budgets = PersonalBudget.objects.order_by("pk") if budgets is None else budgets
    found: list[Drift] = []
    checked = 0
    for budget in budgets:
        checked += 1
        total = LedgerEntry.objects.filter(budget=budget).aggregate(total=Sum("amount_pence"))["total"] or 0
        if budget.balance_pence != total:
            found.append(
                Drift(
                    "balance",
                    f"budget {budget.pk} holds {budget.balance_pence}p, its entries sum to {total}p",
                )
            )
        spent = dict(
            LedgerEntry.objects.filter(budget=budget, line__isnull=False)
            .values_list("line")
            .annotate(total=Sum("amount_pence"))
        )
        for line in budget.lines.all():
            expected = -(spent.get(line.pk) or 0)
            if line.spent_pence != expected:
                found.append(
                    Drift(
                        "line",
                        f"budget {budget.pk} line {line.pk} has spent {line.spent_pence}p, "
                        f"its entries say {expected}p",
                    )
                )
        strangers = LedgerEntry.objects.filter(budget=budget, line__isnull=False).exclude(line__budget=budget)
        found += [
            Drift("entry", f"budget {budget.pk}: entry {e.pk} is on another budget's line") for e in strangers
        ]
        for reversal in LedgerEntry.objects.filter(
            budget=budget, kind=LedgerEntry.Kind.REVERSAL
        ).select_related("reverses"):
            original = reversal.reverses
            if (
                original is None
                or original.budget_id != reversal.budget_id
                or original.line_id != reversal.line_id
                or original.amount_pence != -reversal.amount_pence
            ):
                found.append(
                    Drift("reversal", f"budget {budget.pk}: entry {reversal.pk} does not undo its entry")
                )
    logger.log(
        logging.WARNING if found else logging.INFO,
        "Audited %d personal budgets: %d problems in %.1f s",
        checked,
        len(found),
        time.monotonic() - started,
    )
    return found
