"""The one way to write to a ledger: entries whose postings sum to zero, balances kept with them,
limits checked at the moment of writing, corrections as reversing entries.

Concurrency: each posting updates its account's balance with one conditional UPDATE
(``balance = balance + amount WHERE`` the result stays within the limit), taken in account order.
On PostgreSQL the UPDATE locks the row and re-reads the newest balance, so writers racing against
a limit cannot both pass it; on SQLite, writers are serialised (``BEGIN IMMEDIATE``) and the same
statement holds. Either way a refused posting rolls the whole entry back."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q, Sum

from accounts.models import User
from common.errors import Refusal

from .models import QUARTER, Account, Entry, Ledger, Posting

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")


class LedgerError(Refusal):
    """An entry that cannot be written, with a message a person understands."""


class LimitExceeded(LedgerError):
    """An account would pass its ledger's limit. It carries the account, its balance and the limit,
    but its own message names neither the holder nor the balance: whoever reports it decides what
    the person asking may be told (their own balance, or only that the other member is at a limit)."""

    def __init__(self, account: Account, balance: Decimal, limit: Decimal, *, below: bool) -> None:
        self.account, self.balance, self.limit, self.below = account, balance, limit, below
        unit = account.ledger.get_unit_display()
        super().__init__(f"This would take an account {self.direction} its limit of {limit} {unit}.")

    @property
    def direction(self) -> str:
        return "below" if self.below else "above"


def check_amount(amount: Decimal, ledger: Ledger, field: str = "hours") -> Decimal:
    """A positive amount in the ledger's steps: quarter hours, or whole credits."""
    if not isinstance(amount, Decimal):
        raise LedgerError(f"The {field} must be a number.", field=field)
    step = QUARTER if ledger.unit == Ledger.Unit.HOURS else Decimal("1")
    if amount <= 0:
        raise LedgerError(f"The {field} must be more than zero.", field=field)
    if amount % step:
        unit = "quarter hours (0.25, 0.5, 0.75…)" if step == QUARTER else "whole credits"
        raise LedgerError(f"The {field} must be in {unit}.", field=field)
    if amount > Decimal("1000"):
        raise LedgerError(f"The {field} must be at most 1,000.", field=field)
    return amount


@transaction.atomic
def post_entry(
    ledger: Ledger,
    legs: list[tuple[Account, Decimal]],
    kind: str,
    *,
    memo: str = "",
    by: User | None = None,
    reverses: Entry | None = None,
    enforce_limits: bool = True,
) -> Entry:
    """Write one entry: ``legs`` are (account, amount) pairs that must sum to zero, all on
    ``ledger``. With ``enforce_limits``, no member account may end outside the ledger's limits."""
    if len(legs) < 2:
        raise LedgerError("An entry needs at least two sides.")
    if sum(amount for _, amount in legs) != 0:
        raise LedgerError("An entry's sides must add up to zero.")
    if any(amount == 0 for _, amount in legs):
        raise LedgerError("Every side of an entry must move something.")
    if any(account.ledger_id != ledger.pk for account, _ in legs):
        raise LedgerError("Every account in an entry must be on the same ledger.")
    entry = Entry.objects.create(ledger=ledger, kind=kind, memo=memo[:300], recorded_by=by, reverses=reverses)
    Posting.objects.bulk_create(
        [Posting(entry=entry, account=account, amount=amount) for account, amount in legs]
    )
    # Balances in account order, so concurrent entries take their row locks in the same order.
    for account, amount in sorted(legs, key=lambda leg: leg[0].pk):
        _move_balance(ledger, account, amount, enforce_limits and account.limited)
    logger.info("Posted entry %s (%s) on ledger %s: %d postings", entry.pk, kind, ledger.pk, len(legs))
    return entry


def check_limits(ledger: Ledger, legs: list[tuple[Account, Decimal]]) -> None:
    """Refuse (``LimitExceeded``) if any member account would end outside the ledger's limits were
    the legs posted now. A reading, not a lock: it lets a proposal be refused when it is made, and
    ``post_entry`` checks again, under the row's lock, when the entry is written."""
    for account, amount in sorted(legs, key=lambda leg: leg[0].pk):
        if not account.limited:
            continue
        current = Account.objects.get(pk=account.pk).balance
        limit = _limit_passed(ledger, current, amount)
        if limit is not None:
            raise LimitExceeded(account, current, limit, below=amount < 0)


def _limit_passed(ledger: Ledger, balance: Decimal, amount: Decimal) -> Decimal | None:
    """The limit ``balance + amount`` would pass, if any."""
    if amount < 0 and ledger.min_balance is not None and balance + amount < ledger.min_balance:
        return ledger.min_balance
    if amount > 0 and ledger.max_balance is not None and balance + amount > ledger.max_balance:
        return ledger.max_balance
    return None


def _move_balance(ledger: Ledger, account: Account, amount: Decimal, limited: bool) -> None:
    within = Q()
    if limited and amount < 0 and ledger.min_balance is not None:
        within &= Q(balance__gte=ledger.min_balance - amount)
    if limited and amount > 0 and ledger.max_balance is not None:
        within &= Q(balance__lte=ledger.max_balance - amount)
    changed = Account.objects.filter(Q(pk=account.pk) & within).update(balance=F("balance") + amount)
    if not changed:
        current = Account.objects.get(pk=account.pk).balance
        # Ids only: an account's name is its holder's.
        logger.info("Refused an entry on ledger %s: account %s would pass its limit", ledger.pk, account.pk)
        limit = ledger.min_balance if amount < 0 else ledger.max_balance
        assert limit is not None  # the UPDATE is conditional only when there is a limit
        raise LimitExceeded(account, current, limit, below=amount < 0)


@transaction.atomic
def reverse_entry(entry: Entry, *, by: User | None = None, memo: str = "") -> Entry:
    """Correct an entry by writing its opposite. An entry is reversed once at most; a correction
    is always possible, so limits are not applied to it (it is visible on every statement)."""
    locked = Entry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    if Entry.objects.filter(reverses=locked).exists():
        raise LedgerError("This entry has already been corrected.")
    if locked.kind == Entry.Kind.REVERSAL:
        raise LedgerError("A correction cannot itself be reversed: record a new entry instead.")
    legs = [(p.account, -p.amount) for p in locked.postings.select_related("account")]
    return post_entry(
        locked.ledger,
        legs,
        Entry.Kind.REVERSAL,
        memo=memo or f"Correction of entry {locked.pk}",
        by=by,
        reverses=locked,
        enforce_limits=False,
    )


@dataclass(frozen=True)
class Drift:
    """Something the postings say differently from what is stored."""

    what: str
    detail: str


def audit(ledgers: Iterable[Ledger] | None = None) -> list[Drift]:
    """Recompute every balance from the postings and check every rule the ledger keeps.
    Returns what does not hold (nothing, when all is well)."""
    started = time.monotonic()
    ledgers = Ledger.objects.all() if ledgers is None else ledgers
    found: list[Drift] = []
    checked = 0
    for ledger in ledgers:
        checked += 1
        sums = dict(
            Posting.objects.filter(account__ledger=ledger)
            .values_list("account")
            .annotate(total=Sum("amount"))
        )
        total = Decimal("0")
        for account in ledger.accounts.all():
            expected = Decimal(sums.get(account.pk) or 0).quantize(CENT)
            total += account.balance
            if account.balance != expected:
                found.append(
                    Drift(
                        "balance",
                        f"{ledger}: {account} holds {account.balance}, its postings sum to {expected}",
                    )
                )
        if total != 0:
            found.append(Drift("sum", f"{ledger}: balances sum to {total.quantize(CENT)}, not zero"))
        unbalanced = (
            Entry.objects.filter(ledger=ledger).annotate(total=Sum("postings__amount")).exclude(total=0)
        )
        found += [Drift("entry", f"{ledger}: entry {e.pk} sums to {e.total}") for e in unbalanced]
        empty = Entry.objects.filter(ledger=ledger, postings__isnull=True)
        found += [Drift("entry", f"{ledger}: entry {e.pk} has no postings") for e in empty]
        strangers = Posting.objects.filter(entry__ledger=ledger).exclude(account__ledger=ledger)
        found += [
            Drift("posting", f"{ledger}: posting {p.pk} is on another ledger's account") for p in strangers
        ]
    # Counts only: a drift's detail names the account's holder.
    logger.log(
        logging.WARNING if found else logging.INFO,
        "Audited %d ledgers: %d problems in %.1f s",
        checked,
        len(found),
        time.monotonic() - started,
    )
    return found
