"""The demo's quarterly returns, for the demo budgets (``budget_demo``): the ISF's last quarter
submitted by its provider and queried by the finance officer (the statement shows £24 more than
the ledger), and any earlier quarter of it submitted and closed; the direct payment, which began
the quarter before last, with that quarter's return overdue long enough to suspend the budget and
the last quarter's submitted by the representative, waiting for the finance officer. All written
through the services, as people would."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import User

from . import return_selectors as selectors
from . import return_services as services
from .models import PersonalBudget, QuarterlyReturn


def last_quarter_start(today: date) -> date:
    """The first day of the last quarter that has ended."""
    return selectors.quarter_of(selectors.quarter_of(today)[0] - timedelta(days=1))[0]


def quarter_before_last_start(today: date) -> date:
    """The first day of the quarter before that: the demo direct payment starts then."""
    return selectors.quarter_of(last_quarter_start(today) - timedelta(days=1))[0]


def _submit_as_the_ledger_says(
    user: User, budget_return: QuarterlyReturn, *, more: int = 0, **words: str
) -> None:
    figures = selectors.ledger_figures(
        budget_return.budget, budget_return.quarter_start, budget_return.quarter_end
    )
    services.submit_return(
        user,
        budget_return,
        statement_balance_pence=figures.balance_pence + more,
        evidence=words.pop("evidence", f"Bank statement {budget_return.quarter_end:%d/%m/%Y}"),
        **words,
    )


def create_demo_returns(
    finance: User, editor: User, isf: PersonalBudget, direct: PersonalBudget, representative: User | None
) -> int:
    """Returns how many returns it opened."""
    today = timezone.localdate()
    opened = services.open_returns(today)
    last = last_quarter_start(today)
    for earlier in QuarterlyReturn.objects.filter(budget=isf, quarter_start__lt=last):
        _submit_as_the_ledger_says(editor, earlier)
        services.close_return(finance, earlier)
    isf_last = QuarterlyReturn.objects.get(budget=isf, quarter_start=last)
    _submit_as_the_ledger_says(
        editor,
        isf_last,
        more=2_400,
        evidence=f"Bank statement {isf_last.quarter_end:%d/%m/%Y}\nTimesheets TS-{isf_last.quarter_end:%Y%m}",
        note="The lunch club's last invoice had not been paid when the statement was printed.",
    )
    services.query_return(
        finance,
        isf_last,
        question="The statement shows £24 more than the ledger. Is that the lunch club's invoice? "
        "Please send its reference.",
    )
    if representative is not None:
        _submit_as_the_ledger_says(
            representative,
            QuarterlyReturn.objects.get(budget=direct, quarter_start=last),
            evidence="Bank statement, end of the quarter\nHome Helpers invoices",
        )
    services.suspend_overdue(today)  # the direct payment's first return: long overdue
    return len(opened)
