"""The demo: three people with a budget of each kind, a finance officer, a representative, three
months on the ledger agreeing with the balances, and the ISF over its surplus ceiling."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import demo_email
from care import ledger
from care.budget_selectors import budgets_visible_to
from care.models import PersonalBudget


@pytest.mark.django_db
def test_the_demo_has_a_budget_of_each_kind_seen_by_the_right_people():
    call_command("seed_demo", residents=30, verbosity=0)
    budgets = PersonalBudget.objects.all()
    assert sorted(budgets.values_list("kind", flat=True)) == ["council_managed", "direct_payment", "isf"]
    assert ledger.audit() == []
    isf = budgets.get(kind="isf")
    assert isf.surplus_flagged_at is not None and isf.entries.filter(kind="reversal").count() == 1
    from accounts.models import User

    def seen_by(local_part):
        return set(budgets_visible_to(User.objects.get(email=demo_email(local_part))))

    assert seen_by("finance") == set(budgets)
    assert seen_by("editor") == {isf}
    assert seen_by("resident1") == {isf}
    assert seen_by("coordinator") == set() and seen_by("commissioner") == set()

    # Quarterly returns in several states: the ISF's last quarter queried, the direct payment's
    # first long overdue (its budget suspended) and its last submitted by the representative.
    from care.models import QuarterlyReturn
    from care.return_demo import last_quarter_start
    from care.return_selectors import is_suspended

    returns = QuarterlyReturn.objects.select_related("budget")
    assert not returns.filter(budget__kind="council_managed").exists()
    last = last_quarter_start(timezone.localdate())
    assert returns.get(budget__kind="isf", quarter_start=last).state == "queried"
    assert set(
        returns.filter(budget__kind="isf", quarter_start__lt=last).values_list("state", flat=True)
    ) <= {"closed"}
    direct = budgets.get(kind="direct_payment")
    assert returns.get(budget=direct, quarter_start=last).state == "submitted"
    first = returns.filter(budget=direct, quarter_start__lt=last).get()
    assert first.state == "due" and first.is_overdue(timezone.localdate()) and is_suspended(direct)
    assert returns.get(budget__kind="isf", quarter_start=last).messages.count() == 1
