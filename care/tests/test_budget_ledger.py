"""A personal budget's ledger never loses or invents a penny: for any sequence of payments in,
contributions, spending, corrections and reclaims, the balance and each line's spending equal what
the entries say, and with limits enforced nothing is spent past the balance or a line."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from care import budget_selectors, budget_services, ledger
from care.models import LedgerEntry, PersonalBudget
from care.tests.budget_factories import editor_of, make_budget, make_council, officer_of


def test_spending_moves_the_balance_and_the_line(db):
    budget = make_budget(paid_in=80_000)
    pa = budget.lines.get(description="Ann (PA)")
    posted = budget_services.record_spending(
        editor_of(budget), budget, line=pa, amount_pence=63_000, evidence="TS-0042", hours="42"
    )
    budget.refresh_from_db()
    pa.refresh_from_db()
    assert posted.warnings == [] and posted.entry.amount_pence == -63_000
    assert budget.balance_pence == 17_000 and pa.spent_pence == 63_000 and pa.left_pence == 737_000
    assert ledger.audit() == []


def test_weekly_figure_is_the_annual_amount_over_52_weeks(db):
    assert make_budget(annual_pence=1_040_000).weekly_pence == 20_000
    assert make_budget(annual_pence=100, lines=()).weekly_pence == 2  # 1.92p, to the nearest penny


def test_spending_past_the_balance_is_refused_and_writes_nothing(db):
    budget = make_budget(paid_in=10_000)
    line = budget.lines.first()
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        budget_services.record_spending(
            editor_of(budget), budget, line=line, amount_pence=10_001, evidence="INV-1"
        )
    assert "more than the budget holds (£100 left)" in refused.value.message_dict["amount"][0]
    budget.refresh_from_db()
    line.refresh_from_db()
    assert LedgerEntry.objects.count() == before and budget.balance_pence == 10_000 and line.spent_pence == 0


def test_spending_past_a_line_is_refused_even_with_money_in_the_budget(db):
    budget = make_budget(paid_in=500_000)
    club = budget.lines.get(description="the lunch club")
    budget_services.record_spending(
        editor_of(budget), budget, line=club, amount_pence=90_000, evidence="INV-1"
    )
    with pytest.raises(ValidationError, match=r"more than is left for the lunch club \(£100 of £1,000\)"):
        budget_services.record_spending(
            editor_of(budget), budget, line=club, amount_pence=10_001, evidence="INV-2"
        )
    club.refresh_from_db()
    assert club.spent_pence == 90_000


@pytest.mark.parametrize("where", ["budget", "council"])
def test_with_enforcement_off_overspending_is_recorded_with_a_warning(db, where):
    council = make_council(enforce_limits=False) if where == "council" else make_council()
    fields = {"enforce_limits": False} if where == "budget" else {}
    budget = make_budget(council=council, paid_in=5_000, **fields)
    line = budget.lines.get(description="the lunch club")
    posted = budget_services.record_spending(
        editor_of(budget), budget, line=line, amount_pence=7_000, evidence="INV"
    )
    assert len(posted.warnings) == 1 and "more than the budget holds (£50 left)" in posted.warnings[0]
    budget.refresh_from_db()
    assert budget.balance_pence == -2_000 and ledger.audit() == []


def test_a_budgets_own_setting_overrides_its_councils(db):
    council = make_council(enforce_limits=False)
    budget = make_budget(council=council, paid_in=5_000, enforce_limits=True)
    with pytest.raises(ValidationError, match="more than the budget holds"):
        budget_services.record_spending(
            editor_of(budget), budget, line=budget.lines.first(), amount_pence=7_000, evidence="INV"
        )


def test_a_correction_is_a_reversal_and_the_original_stays(db):
    budget = make_budget(paid_in=80_000)
    line = budget.lines.first()
    spent = budget_services.record_spending(
        editor_of(budget), budget, line=line, amount_pence=30_000, evidence="TS-1", hours="20"
    ).entry
    reversal = budget_services.correct_entry(editor_of(budget), spent, reason="Timesheet was for March")
    budget.refresh_from_db()
    line.refresh_from_db()
    assert reversal.kind == "reversal" and reversal.amount_pence == 30_000 and reversal.line == line
    assert budget.balance_pence == 80_000 and line.spent_pence == 0
    assert LedgerEntry.objects.filter(pk=spent.pk).exists()
    with pytest.raises(ValidationError, match="already been corrected"):
        budget_services.correct_entry(editor_of(budget), spent, reason="again")
    with pytest.raises(ValidationError, match="cannot itself be corrected"):
        budget_services.correct_entry(officer_of(budget), reversal, reason="again")
    with pytest.raises(ValidationError) as refused:
        budget_services.correct_entry(officer_of(budget), budget.entries.first(), reason="  ")
    assert "reason" in refused.value.message_dict
    assert ledger.audit() == []


def test_entries_are_never_changed_or_deleted(db):
    budget = make_budget(paid_in=1_000)
    entry = budget.entries.get()
    entry.amount_pence = 9_999
    with pytest.raises(ValidationError, match="never changed"):
        entry.save()
    with pytest.raises(ValidationError, match="never deleted"):
        entry.delete()
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        LedgerEntry.objects.update(amount_pence=9_999)
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        LedgerEntry.objects.update(kind=LedgerEntry.Kind.CONTRIBUTION)
    LedgerEntry.objects.update(reason="")  # an erasure may clear the words, never the money
    assert LedgerEntry.objects.get().amount_pence == 1_000


def test_audit_budgets_reports_no_drift_and_finds_tampering(db, capsys):
    budget = make_budget(paid_in=50_000)
    budget_services.record_spending(
        editor_of(budget), budget, line=budget.lines.first(), amount_pence=2_000, evidence="INV"
    )
    call_command("audit_budgets")
    assert "No drift: 1 budget(s)" in capsys.readouterr().out
    PersonalBudget.objects.update(balance_pence=99)  # behind the ledger's back
    budget.lines.filter(description="Ann (PA)").update(spent_pence=5)
    with pytest.raises(CommandError, match="2 problem"):
        call_command("audit_budgets")
    err = capsys.readouterr().err
    assert f"budget {budget.pk} holds 99p, its entries sum to 48000p" in err
    assert "has spent 5p, its entries say 2000p" in err


def test_surplus_is_flagged_past_four_weeks_budget_and_reclaimed_as_an_entry(db):
    budget = make_budget(paid_in=80_000)  # exactly four weeks of £200
    surplus = budget_selectors.surplus_of(budget)
    assert (surplus.weeks, surplus.ceiling_pence, surplus.passed) == (4, 80_000, False)
    assert budget.surplus_flagged_at is None
    officer = officer_of(budget)
    with pytest.raises(ValidationError, match="not over its ceiling of £800"):
        budget_services.reclaim_surplus(officer, budget)
    budget_services.pay_in(officer, budget, amount_pence=1)
    budget.refresh_from_db()
    assert budget.surplus_flagged_at is not None and budget_selectors.surplus_of(budget).excess_pence == 1
    budget_services.pay_in(officer, budget, amount_pence=24_999)
    with pytest.raises(ValidationError, match="at most £250"):
        budget_services.reclaim_surplus(officer, budget, amount_pence=25_001)
    entry = budget_services.reclaim_surplus(officer, budget)
    budget.refresh_from_db()
    assert entry.kind == "surplus_reclaim" and entry.amount_pence == -25_000
    assert budget.balance_pence == 80_000 and budget.surplus_flagged_at is None
    assert ledger.audit() == []


def test_the_surplus_ceiling_is_set_per_council(db):
    budget = make_budget(council=make_council(surplus_weeks=2), paid_in=40_001)
    surplus = budget_selectors.surplus_of(budget)
    assert (surplus.ceiling_pence, surplus.excess_pence) == (40_000, 1)
    assert budget.surplus_flagged_at is not None
    # Spending brings it back under: the flag clears.
    budget_services.record_spending(
        editor_of(budget), budget, line=budget.lines.first(), amount_pence=1, evidence="x"
    )
    budget.refresh_from_db()
    assert budget.surplus_flagged_at is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount_pence": 0}, "amount", "more than zero"),
        ({"amount_pence": -5}, "amount", "more than zero"),
        ({"amount_pence": "12.50"}, "amount", "whole number of pence"),
        ({"amount_pence": 1.5}, "amount", "whole number of pence"),
        ({"amount_pence": True}, "amount", "whole number of pence"),
        ({"amount_pence": 10**12}, "amount", "at most £10,000,000"),
        ({"evidence": "  "}, "evidence", "Enter the evidence"),
        ({"evidence": "x" * 101}, "evidence", "at most 100 characters"),
        ({"hours": "lots"}, "hours", "must be a number"),
        ({"hours": "0.1"}, "hours", "quarter hours"),
        ({"hours": "-1"}, "hours", "quarter hours"),
        ({"hours": "NaN"}, "hours", "quarter hours"),
        ({"occurred_on": "yesterday"}, "occurred_on", "as a date"),
        ({"occurred_on": "future"}, "occurred_on", "cannot be in the future"),
        ({"line": "other"}, "line", "Choose a line of this budget"),
        ({"line": None}, "line", "Choose a line of this budget"),
    ],
)
def test_bad_spending_is_refused_naming_the_field_and_writes_nothing(db, changes, field, message):
    budget = make_budget(paid_in=50_000)
    other = make_budget()
    data = {"line": budget.lines.first(), "amount_pence": 1_000, "evidence": "INV-7", "hours": None}
    data.update(changes)
    if data["line"] == "other":
        data["line"] = other.lines.first()
    if data.get("occurred_on") == "future":
        data["occurred_on"] = timezone.localdate() + timedelta(days=1)
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        budget_services.record_spending(editor_of(budget), budget, **data)
    assert field in refused.value.message_dict and message in refused.value.message_dict[field][0]
    assert LedgerEntry.objects.count() == before and ledger.audit() == []


def test_lines_may_not_be_given_more_than_the_annual_amount(db):
    budget = make_budget()  # £9,000 of £10,400 given
    with pytest.raises(ValidationError, match="£1,400 is left to give"):
        budget_services.add_line(
            officer_of(budget), budget, kind="respite", description="Short breaks", allocated_pence=140_001
        )
    with pytest.raises(ValidationError, match="Choose what the line is for"):
        budget_services.add_line(officer_of(budget), budget, kind="yacht", description="x", allocated_pence=1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "isf", "provider": None}, "provider"),
        ({"kind": "cash"}, "kind"),
        ({"annual_pence": 0}, "annual_pence"),
        ({"weekly_contribution_pence": -1}, "weekly_contribution_pence"),
        ({"ends_on": date(2026, 3, 31)}, "ends_on"),
    ],
)
def test_bad_budgets_are_refused_naming_the_field(db, changes, field):
    council = make_council()
    from care.tests.budget_factories import make_finance_officer
    from people.tests.factories import PersonFactory

    data = {
        "kind": "direct_payment",
        "council": council,
        "annual_pence": 100_000,
        "starts_on": date(2026, 4, 1),
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        budget_services.set_up_budget(make_finance_officer(council), PersonFactory(), **data)
    assert field in refused.value.message_dict
    assert not PersonalBudget.objects.exists()


# Any sequence of steps: pay in, contribute, spend on line 0 or 1, correct an earlier entry, reclaim.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("pay_in"), st.integers(1, 60_000), st.just(0)),
        st.tuples(st.just("contribute"), st.integers(1, 5_000), st.just(0)),
        st.tuples(st.just("spend"), st.integers(1, 40_000), st.integers(0, 1)),
        st.tuples(st.just("correct"), st.just(0), st.integers(0, 40)),
        st.tuples(st.just("reclaim"), st.just(0), st.just(0)),
    ),
    max_size=20,
)


class BudgetLedgerInvariants(TestCase):
    @settings(max_examples=30, deadline=None)
    @given(steps)
    def test_invariants_hold_for_any_sequence(self, sequence):
        budget = make_budget(
            annual_pence=520_000,
            lines=(("pa_hours", "Ann (PA)", 100_000), ("day_activity", "the lunch club", 20_000)),
        )
        officer, editor = officer_of(budget), editor_of(budget)
        lines = list(budget.lines.all())
        for kind, amount, which in sequence:
            try:
                if kind == "pay_in":
                    budget_services.pay_in(officer, budget, amount_pence=amount)
                elif kind == "contribute":
                    budget_services.record_contribution(editor, budget, amount_pence=amount)
                elif kind == "spend":
                    budget_services.record_spending(
                        editor, budget, line=lines[which], amount_pence=amount, evidence="x"
                    )
                elif kind == "reclaim":
                    budget_services.reclaim_surplus(officer, budget)
                else:
                    entries = list(budget.entries.order_by("pk"))
                    if entries:
                        budget_services.correct_entry(
                            officer, entries[which % len(entries)], reason="mistake"
                        )
            except ValidationError:
                pass  # refused: over a limit, a second correction, nothing to reclaim; nothing changed
            assert ledger.audit() == []
            budget.refresh_from_db()
            corrected = budget.entries.filter(kind="reversal").exists()
            # Spending and reclaims respect the limits; only a correction (always allowed) may cross.
            assert corrected or budget.balance_pence >= 0
            for line in budget.lines.all():
                assert corrected or 0 <= line.spent_pence <= line.allocated_pence
            surplus = budget_selectors.surplus_of(budget)
            assert (budget.surplus_flagged_at is not None) == surplus.passed
