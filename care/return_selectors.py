"""Who returns a personal budget's quarterly return, who reads it, and the reads that follow.

- A **direct payment**'s return is made by the person (their confirmed sign-in) or the
  representative named on the budget; an **Individual Service Fund**'s by the editors of the
  provider organisation holding it. A budget **managed by the council** has none: the council
  holds its money.
- The council's finance officers read every return of the council's budgets, query and close them.
- Nobody else reads a return: not the ISF's person or representative (the return is the
  provider's account to the council; they have the budget and its statement), not a coordinator,
  not another council or provider. They are answered 404, as for a return that does not exist.

Every return read while answering a request is audited (``QuarterlyReturn.from_db``), with its
budget (``PersonalBudget.from_db``). Predicates never raise and are false for anonymous users.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet, Sum

from accounts.models import Role, User
from accounts.permissions import Requester, is_signed_in

from . import budget_selectors
from .models import BudgetCouncilSettings, LedgerEntry, PersonalBudget, QuarterlyReturn

DEFAULT_DUE_DAYS = 28
DEFAULT_SUSPEND_AFTER_DAYS = 28
RETURNED_KINDS = (PersonalBudget.Kind.DIRECT_PAYMENT, PersonalBudget.Kind.ISF)

# The list's filters, in the words of the finance officer's page.
FILTERS = {
    "due": "Due",
    "overdue": "Overdue",
    "submitted": "Submitted or answered",
    "queried": "Queried",
    "closed": "Closed",
}


def quarter_of(day: date) -> tuple[date, date]:
    """The UK financial quarter holding ``day``: April to June, July to September, October to
    December, January to March."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    following = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return start, following - timedelta(days=1)


def quarters_ended(since: date, today: date) -> list[tuple[date, date]]:
    """Every quarter that ended before ``today`` and had a day on or after ``since``, oldest first."""
    found = []
    start, end = quarter_of(since)
    while end < today:
        found.append((start, end))
        start, end = quarter_of(end + timedelta(days=1))
    return found


def _settings(council_id: int) -> BudgetCouncilSettings | None:
    return BudgetCouncilSettings.objects.filter(council_id=council_id).first()


def due_days(council_id: int) -> int:
    """How many days after its quarter's end a return is due (the council's setting, else 28)."""
    found = _settings(council_id)
    return found.return_due_days if found else DEFAULT_DUE_DAYS


def suspend_after_days(council_id: int) -> int:
    """How many days overdue a return suspends its budget (the council's setting, else 28)."""
    found = _settings(council_id)
    return found.suspend_after_days if found else DEFAULT_SUSPEND_AFTER_DAYS


def needs_returns(budget: PersonalBudget) -> bool:
    """A direct payment or an ISF: someone outside the council holds the money."""
    return budget.kind in RETURNED_KINDS


def is_returner(user: Requester, budget: PersonalBudget) -> bool:
    """Whoever must return the budget's returns: a direct payment's person or representative, an
    ISF's holding provider's editors."""
    if budget.kind == PersonalBudget.Kind.DIRECT_PAYMENT:
        return budget_selectors.is_own_budget(user, budget)
    if budget.kind == PersonalBudget.Kind.ISF:
        return budget_selectors.holds_budget(user, budget)
    return False


def may_see_return(user: Requester, budget_return: QuarterlyReturn) -> bool:
    budget = budget_return.budget
    return is_returner(user, budget) or budget_selectors.is_finance_officer(user, budget.council_id)


def may_submit_return(user: Requester, budget_return: QuarterlyReturn) -> bool:
    return is_returner(user, budget_return.budget)


def may_answer_query(user: Requester, budget_return: QuarterlyReturn) -> bool:
    return is_returner(user, budget_return.budget)


def may_review_return(user: Requester, budget_return: QuarterlyReturn) -> bool:
    """Query and close: the council's finance officers."""
    return budget_selectors.is_finance_officer(user, budget_return.budget.council_id)


def returns_visible_to(user: Requester) -> QuerySet[QuarterlyReturn]:
    """Every return ``user`` may read, by the rules above; none for anyone else."""
    if not isinstance(user, User) or not is_signed_in(user):
        return QuarterlyReturn.objects.none()
    direct = Q(budget__kind=PersonalBudget.Kind.DIRECT_PAYMENT) & (
        Q(budget__representative=user)
        | Q(
            budget__person__account=user,
            budget__person__account_confirmed_at__isnull=False,
            budget__person__erased_at__isnull=True,
        )
    )
    visible = direct | Q(budget__council__in=budget_selectors.councils_of_finance_officer(user))
    if user.role == Role.ORGANISATION_EDITOR and user.organisation_id is not None:
        visible |= Q(budget__kind=PersonalBudget.Kind.ISF, budget__provider_id=user.organisation_id)
    return (
        QuarterlyReturn.objects.filter(visible)
        .select_related("budget", "budget__person", "budget__council", "budget__provider")
        .distinct()
    )


def filter_returns(returns: QuerySet[QuarterlyReturn], shown: str, today: date) -> QuerySet[QuarterlyReturn]:
    """The returns of one filter: due (not yet late), overdue, submitted (and answered: waiting
    for the finance officer), queried (waiting for an answer), closed. Anything else: all."""
    state = QuarterlyReturn.State
    if shown == "due":
        return returns.filter(state=state.DUE, due_on__gte=today)
    if shown == "overdue":
        return returns.filter(state=state.DUE, due_on__lt=today)
    if shown == "submitted":
        return returns.filter(state__in=[state.SUBMITTED, state.RESPONDED])
    if shown == "queried":
        return returns.filter(state=state.QUERIED)
    if shown == "closed":
        return returns.filter(state=state.CLOSED)
    return returns


@dataclass(frozen=True)
class QuarterFigures:
    """What the ledger shows for a quarter, by the day each entry happened."""

    spent_pence: int
    paid_in_pence: int
    balance_pence: int


def ledger_figures(budget: PersonalBudget, start: date, end: date) -> QuarterFigures:
    """Spending in the quarter (on the lines, net of corrections), money paid in (payments in and
    contributions, net of corrections and surplus reclaims) and the balance at its end."""
    entries = LedgerEntry.objects.filter(budget=budget)
    quarter = entries.filter(occurred_on__gte=start, occurred_on__lte=end)
    on_lines = quarter.filter(line__isnull=False).aggregate(total=Sum("amount_pence"))["total"] or 0
    money_in = (
        quarter.filter(line__isnull=True)
        .exclude(kind=LedgerEntry.Kind.SURPLUS_RECLAIM)
        .exclude(reverses__kind=LedgerEntry.Kind.SURPLUS_RECLAIM)
        .aggregate(total=Sum("amount_pence"))["total"]
        or 0
    )
    balance = entries.filter(occurred_on__lte=end).aggregate(total=Sum("amount_pence"))["total"] or 0
    return QuarterFigures(spent_pence=-on_lines, paid_in_pence=money_in, balance_pence=balance)


def suspending_returns(budget: PersonalBudget) -> QuerySet[QuarterlyReturn]:
    """The budget's returns that keep it suspended (overdue past the council's days, not closed)."""
    return QuarterlyReturn.objects.filter(
        budget_id=budget.pk, suspended_at__isnull=False, suspension_lifted_at__isnull=True
    ).order_by("quarter_start")


def is_suspended(budget: PersonalBudget) -> bool:
    return suspending_returns(budget).exists()


def suspended_budget_ids(budget_ids: set[int]) -> set[int]:
    """Which of these budgets are suspended, in one query (for a list)."""
    return set(
        QuarterlyReturn.objects.filter(
            budget_id__in=budget_ids, suspended_at__isnull=False, suspension_lifted_at__isnull=True
        ).values_list("budget_id", flat=True)
    )


def returners_of(budget: PersonalBudget) -> list[User]:
    """Who is emailed about a return: a direct payment's person (by the sign-in they have
    confirmed) and representative; an ISF's provider's editors. Active sign-ins with an email."""
    users: list[User] = []
    if budget.kind == PersonalBudget.Kind.DIRECT_PAYMENT:
        person = budget.person
        if person.erased_at is None and person.confirmed_account is not None:
            users.append(person.confirmed_account)
        if budget.representative is not None:
            users.append(budget.representative)
    elif budget.kind == PersonalBudget.Kind.ISF and budget.provider_id is not None:
        users += list(
            User.objects.filter(organisation_id=budget.provider_id, role=Role.ORGANISATION_EDITOR).order_by(
                "pk"
            )
        )
    unique = {u.pk: u for u in users if u.is_active and u.email}
    return list(unique.values())


def finance_officer_users(budget: PersonalBudget) -> list[User]:
    """The council's finance officers still on its staff, with an email."""
    return [
        officer.user
        for officer in budget_selectors.finance_officers_of(budget.council)
        if officer.user.is_active and officer.user.email and officer.user.organisation_id == budget.council_id
    ]
