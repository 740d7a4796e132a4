"""Surplus warnings: a budget whose balance passes its council's ceiling is found by the daily
check, and the council's finance officers are told by email once per passing; exactly at the
ceiling is not a surplus."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from care import budget_services
from care.budget_selectors import surplus_of
from care.budget_surpluses import warn_of_surpluses
from care.models import BudgetCouncilSettings, FinanceOfficer, PersonalBudget
from care.tests.budget_factories import make_budget, make_council, make_finance_officer, officer_of
from common.testing import sign_in

TODAY = date(2026, 11, 20)


@pytest.fixture
def budget(db):
    """£10,400 a year: £200 a week, a ceiling of £800 (four weeks)."""
    return make_budget(paid_in=80_000)


def _set_balance(budget, pence):
    """Pay in or reclaim to bring the balance to ``pence`` exactly (the ledger's own way)."""
    budget.refresh_from_db()
    difference = pence - budget.balance_pence
    officer = officer_of(budget)
    if difference > 0:
        budget_services.pay_in(officer, budget, amount_pence=difference)
    elif difference < 0:
        budget_services.record_spending(
            officer, budget, line=budget.lines.first(), amount_pence=-difference, evidence="INV"
        )
    budget.refresh_from_db()


def test_exactly_at_the_ceiling_is_not_a_surplus_and_a_penny_more_is(budget):
    assert surplus_of(budget).ceiling_pence == 80_000
    assert not surplus_of(budget).passed
    assert warn_of_surpluses(TODAY) == 0 and mail.outbox == []
    _set_balance(budget, 80_001)
    assert surplus_of(budget).passed and surplus_of(budget).excess_pence == 1
    assert warn_of_surpluses(TODAY) == 1


def test_the_ceiling_uses_the_weekly_figure_to_the_penny(db):
    # £10,000.01 a year is £192.31 a week (192.3079 rounded): a ceiling of £769.24.
    budget = make_budget(annual_pence=1_000_001, lines=())
    _set_balance(budget, 76_924)
    assert surplus_of(budget).ceiling_pence == 76_924 and not surplus_of(budget).passed
    assert warn_of_surpluses(TODAY) == 0
    _set_balance(budget, 76_925)
    assert surplus_of(budget).passed
    assert warn_of_surpluses(TODAY) == 1


def test_the_councils_own_number_of_weeks_is_the_ceiling(budget):
    BudgetCouncilSettings.objects.create(council=budget.council, surplus_weeks=3)  # £600
    _set_balance(budget, 60_000)
    assert warn_of_surpluses(TODAY) == 0
    _set_balance(budget, 60_001)
    assert warn_of_surpluses(TODAY) == 1


def test_a_ceiling_lowered_in_the_back_office_counts_at_the_next_check(budget):
    _set_balance(budget, 70_000)
    assert warn_of_surpluses(TODAY) == 0
    BudgetCouncilSettings.objects.create(council=budget.council, surplus_weeks=2)  # £400
    assert warn_of_surpluses(TODAY) == 1
    budget.refresh_from_db()
    assert budget.surplus_flagged_at is not None and budget.surplus_told_at is not None


def test_the_finance_officers_are_told_once_per_passing(budget):
    _set_balance(budget, 85_000)
    assert warn_of_surpluses(TODAY, "https://closeknit.example/") == 1
    budget.refresh_from_db()
    told_at = budget.surplus_told_at
    assert told_at is not None
    # The next days: still over, already told.
    assert warn_of_surpluses(TODAY) == 0 and warn_of_surpluses(TODAY) == 0
    _set_balance(budget, 90_000)
    assert warn_of_surpluses(TODAY) == 0
    budget.refresh_from_db()
    assert budget.surplus_told_at == told_at
    # Back under: the record of telling is cleared; passing again is told again.
    _set_balance(budget, 80_000)
    assert budget.surplus_told_at is None
    assert warn_of_surpluses(TODAY) == 0
    _set_balance(budget, 80_500)
    assert warn_of_surpluses(TODAY) == 1
    assert len(mail.outbox) == 2


def test_the_email_goes_to_the_councils_finance_officers_only_and_names_nobody(budget):
    second = make_finance_officer(budget.council)
    former = make_finance_officer(budget.council)
    former.organisation = make_council()  # moved on: no longer the council's staff
    former.save()
    make_finance_officer(make_council())  # another council's
    gone = make_finance_officer(budget.council)
    gone.is_active = False
    gone.save()
    _set_balance(budget, 85_000)
    assert warn_of_surpluses(TODAY, "https://closeknit.example") == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer_of(budget).email, second.email])
    message = mail.outbox[0]
    assert message.subject == "1 personal budget over the surplus ceiling"
    assert f"Budget {budget.pk}: £850 held, £50 over its ceiling of £800 (4 weeks' budget)." in message.body
    assert f"https://closeknit.example/care/budgets/{budget.pk}/" in message.body
    assert "https://closeknit.example/care/finance/" in message.body
    assert budget.person.full_name not in message.body


def test_a_council_without_a_finance_officer_is_told_when_it_has_one(budget):
    _set_balance(budget, 85_000)
    FinanceOfficer.objects.filter(council=budget.council).delete()
    assert warn_of_surpluses(TODAY) == 0
    budget.refresh_from_db()
    assert budget.surplus_told_at is None
    make_finance_officer(budget.council)
    assert warn_of_surpluses(TODAY) == 1


def test_one_email_lists_every_budget_of_the_council_newly_over(budget):
    other = make_budget(council=budget.council, officer=officer_of(budget), paid_in=90_000)
    _set_balance(budget, 85_000)
    assert warn_of_surpluses(TODAY) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "2 personal budgets over the surplus ceiling"
    assert f"Budget {budget.pk}:" in body and f"Budget {other.pk}:" in body


def test_the_finance_officers_list_says_when_they_were_told(client, budget):
    _set_balance(budget, 85_000)
    officer = officer_of(budget)
    sign_in(client, officer, two_factor=True)
    assert "Not yet told by email." in client.get(reverse("care:finance_budgets")).content.decode()
    warn_of_surpluses(TODAY)
    page = client.get(reverse("care:finance_budgets")).content.decode()
    assert "Finance officers told by email on" in page


def test_the_command_checks_now_or_queues_the_task(budget):
    _set_balance(budget, 85_000)
    out = StringIO()
    call_command("check_budget_surpluses", "--now", stdout=out)
    assert "Sent 1 surplus warning email(s)." in out.getvalue()
    out = StringIO()
    call_command("check_budget_surpluses", stdout=out)
    assert "Queued the surplus check as task" in out.getvalue()


def test_a_resident_is_never_emailed(budget):
    representative = UserFactory(role=Role.RESIDENT)
    PersonalBudget.objects.filter(pk=budget.pk).update(representative=representative)
    _set_balance(budget, 85_000)
    warn_of_surpluses(TODAY)
    assert representative.email not in [m.to[0] for m in mail.outbox]
