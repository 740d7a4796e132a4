"""A demo of personal budgets in the demo district: three people from the demo caseload with a
budget of each kind (an Individual Service Fund held by Stretford Neighbours Together, a direct
payment, a council-managed budget), the council's finance officer (a new demo sign-in,
``finance``), a demo resident named as representative on the ISF, and three months of payments,
contributions and spending, one correction among them, written through the services. One budget
is over its surplus ceiling. The direct payment has a second demo resident as representative and
quarterly returns in several states (``return_demo``). All invented and marked as demo."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import create_demo_account, demo_residents, give_demo_authenticator
from accounts.models import Organisation, Role, User
from people.models import Person

from . import budget_services as services
from .models import BudgetLine, FinanceOfficer, PersonalBudget
from .return_demo import create_demo_returns, quarter_before_last_start

COUNCIL = "Trafford Council (demo)"
PROVIDER = "Stretford Neighbours Together (demo)"


def _months_back(today: date, count: int) -> list[date]:
    """The 10th of each of the ``count`` months before this one, oldest first."""
    days, first = [], today.replace(day=1)
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        days.append(first.replace(day=10))
    return list(reversed(days))


@transaction.atomic
def create_demo_budgets() -> int:
    """Returns how many budgets it made."""
    council = Organisation.objects.get(name=COUNCIL)
    provider = Organisation.objects.get(name=PROVIDER)
    finance = create_demo_account("finance", Role.COMMISSIONER, council, "Farida Okafor", two_factor=True)
    FinanceOfficer.objects.create(council=council, user=finance)
    editor = User.objects.filter(organisation=provider, role=Role.ORGANISATION_EDITOR, is_demo=True).first()
    people = list(Person.objects.filter(is_demo=True, erased_at__isnull=True).order_by("full_name")[:3])
    if len(people) < 3 or editor is None:
        return 0
    give_demo_authenticator(editor)  # the ISF's holder reads budgets: a second factor first
    residents = demo_residents()
    start = timezone.localdate().replace(day=1) - timedelta(days=100)
    months = _months_back(timezone.localdate(), 3)
    isf = services.set_up_budget(
        finance,
        people[0],
        kind=PersonalBudget.Kind.ISF,
        council=council,
        provider=provider,
        annual_pence=1_248_000,  # £240 a week
        weekly_contribution_pence=2_500,
        outcomes="To get out to the lunch club twice a week and keep the house the way I like it.",
        representative=residents[0] if residents else None,
        starts_on=start,
    )
    pa = services.add_line(
        finance, isf, kind=BudgetLine.Kind.PA_HOURS, description="Ann (PA)", allocated_pence=936_000
    )
    club = services.add_line(
        finance, isf, kind=BudgetLine.Kind.DAY_ACTIVITY, description="the lunch club", allocated_pence=31_200
    )
    direct = services.set_up_budget(
        finance,
        people[1],
        kind=PersonalBudget.Kind.DIRECT_PAYMENT,
        council=council,
        annual_pence=780_000,  # £150 a week
        outcomes="Help at home in the mornings, from people I choose.",
        representative=residents[1] if len(residents) > 1 else None,
        # From the quarter before last: its quarterly return is long overdue (``return_demo``).
        starts_on=quarter_before_last_start(timezone.localdate()),
    )
    visits = services.add_line(
        finance,
        direct,
        kind=BudgetLine.Kind.MICRO_PROVIDER,
        description="Home Helpers Sale (visits)",
        allocated_pence=700_000,
    )
    managed = services.set_up_budget(
        finance,
        people[2],
        kind=PersonalBudget.Kind.COUNCIL_MANAGED,
        council=council,
        annual_pence=520_000,  # £100 a week
        outcomes="A short break each month for my daughter, who cares for me.",
        starts_on=start,
    )
    breaks = services.add_line(
        finance, managed, kind=BudgetLine.Kind.RESPITE, description="short breaks", allocated_pence=480_000
    )
    for month in months:
        services.pay_in(finance, isf, amount_pence=104_000, occurred_on=month.replace(day=1))
        services.record_contribution(
            editor, isf, amount_pence=10_000, occurred_on=month, evidence="Standing order"
        )
        services.record_spending(
            editor,
            isf,
            line=pa,
            amount_pence=63_000,
            evidence=f"TS-{month:%Y%m}",
            hours="42",
            occurred_on=month,
        )
        services.record_spending(
            editor, isf, line=club, amount_pence=2_400, evidence=f"LC-{month:%Y%m}", occurred_on=month
        )
        services.pay_in(finance, direct, amount_pence=65_000, occurred_on=month.replace(day=1))
        services.record_spending(
            finance, direct, line=visits, amount_pence=50_000, evidence=f"HH-{month:%Y%m}", occurred_on=month
        )
        services.pay_in(finance, managed, amount_pence=43_000, occurred_on=month.replace(day=1))
        services.record_spending(
            finance, managed, line=breaks, amount_pence=30_000, evidence=f"SB-{month:%Y%m}", occurred_on=month
        )
    typo = services.record_spending(
        editor, isf, line=club, amount_pence=24_000, evidence="LC-typo", occurred_on=months[-1]
    ).entry
    services.correct_entry(editor, typo, reason="Typed £240 for £24")
    create_demo_returns(finance, editor, isf, direct, direct.representative)
    return 3
