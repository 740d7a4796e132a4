"""Councils, providers, finance officers and budgets for the personal budget tests."""

from __future__ import annotations

from datetime import date

from accounts.models import Organisation, Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from care import budget_services
from care.models import BudgetCouncilSettings, BudgetLine, FinanceOfficer, PersonalBudget
from people.tests.factories import PersonFactory


def make_council(name: str | None = None, **settings):
    council = OrganisationFactory(**({"name": name} if name else {}), kind=Organisation.Kind.COUNCIL)
    if settings:
        BudgetCouncilSettings.objects.create(council=council, **settings)
    return council


def make_finance_officer(council):
    user = UserFactory(role=Role.COMMISSIONER, organisation=council)
    FinanceOfficer.objects.create(council=council, user=user)
    return user


def make_provider(name: str | None = None):
    provider = OrganisationFactory(**({"name": name} if name else {}), kind=Organisation.Kind.VCSE)
    editor = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=provider)
    return provider, editor


def make_budget(
    *,
    kind=PersonalBudget.Kind.ISF,
    council=None,
    officer=None,
    provider=None,
    annual_pence=1_040_000,
    lines=(
        (BudgetLine.Kind.PA_HOURS, "Ann (PA)", 800_000),
        (BudgetLine.Kind.DAY_ACTIVITY, "the lunch club", 100_000),
    ),
    paid_in=0,
    **fields,
) -> PersonalBudget:
    """A budget (£10,400 a year, £200 a week unless told) with its lines, and ``paid_in`` pence paid in."""
    council = council or make_council()
    officer = officer or make_finance_officer(council)
    if kind == PersonalBudget.Kind.ISF and provider is None:
        provider, _ = make_provider()
    fields.setdefault("person", PersonFactory())
    budget = budget_services.set_up_budget(
        officer,
        kind=kind,
        council=council,
        provider=provider if kind == PersonalBudget.Kind.ISF else None,
        annual_pence=annual_pence,
        starts_on=date(2026, 4, 1),
        **fields,
    )
    for line_kind, description, allocated in lines:
        budget_services.add_line(
            officer, budget, kind=line_kind, description=description, allocated_pence=allocated
        )
    if paid_in:
        budget_services.pay_in(officer, budget, amount_pence=paid_in)
    budget.refresh_from_db()
    return budget


def officer_of(budget: PersonalBudget):
    return FinanceOfficer.objects.filter(council=budget.council).first().user


def editor_of(budget: PersonalBudget):
    from accounts.models import User

    return User.objects.filter(organisation=budget.provider, role=Role.ORGANISATION_EDITOR).first()
