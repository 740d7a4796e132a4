"""Eight writers racing to spend on one budget line, on PostgreSQL (the production database, where
writers really run at once): with limits enforced the line is never overspent, the budget never
goes below zero, and every entry written is on the balance."""

import threading
from contextlib import suppress

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from care import budget_services, ledger
from care.models import LedgerEntry
from care.tests.budget_factories import editor_of, make_budget, officer_of

WRITERS = 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_eight_writers_spending_on_one_line_never_overspend_it_on_postgresql():
    # The line has £500; the budget holds £2,000; each writer tries three £30 payments: £720 wanted.
    budget = make_budget(lines=(("micro_provider", "Visits from Home Helpers", 50_000),), paid_in=200_000)
    line = budget.lines.get()
    editor = editor_of(budget)
    start = threading.Barrier(WRITERS)
    refusals, failures = [], []

    def write(n):
        try:
            start.wait()
            for k in range(3):
                try:
                    budget_services.record_spending(
                        editor, budget, line=line, amount_pence=3_000, evidence=f"INV-{n}-{k}"
                    )
                except ValidationError as error:
                    refusals.append(error)
        except Exception as error:  # noqa: BLE001 - any other error fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    line.refresh_from_db()
    budget.refresh_from_db()
    spent = LedgerEntry.objects.filter(kind="spend")
    assert spent.count() == 16 and len(refusals) == 8  # 16 x £30 = £480; a 17th would pass £500
    assert all("more than is left for Visits from Home Helpers" in " ".join(e.messages) for e in refusals)
    assert line.spent_pence == 48_000 <= line.allocated_pence
    assert budget.balance_pence == 200_000 - 48_000
    assert ledger.audit() == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_lowering_a_lines_allowance_while_spending_on_it_never_leaves_it_overspent_on_postgresql():
    """A finance officer lowers a line's allowance from £800 to £500 while the provider spends £40
    on it, eight times over: whichever runs first, the other sees it, so the allowance never ends
    below what the line has spent and every entry is on the balance."""
    budget = make_budget(lines=(("pa_hours", "Ann (PA)", 80_000),), paid_in=200_000)
    line = budget.lines.get()
    editor = editor_of(budget)
    officer = officer_of(budget)
    budget_services.record_spending(editor, budget, line=line, amount_pence=46_000, evidence="INV-0")
    start = threading.Barrier(WRITERS + 1)
    failures = []

    def spend(n):
        try:
            start.wait()
            with suppress(ValidationError):  # over the allowance as it then stood
                budget_services.record_spending(
                    editor, budget, line=line, amount_pence=4_000, evidence=f"INV-{n}"
                )
        except Exception as error:  # noqa: BLE001 - any other error fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    def lower():
        try:
            start.wait()
            with suppress(ValidationError):  # already spent past £500
                budget_services.change_line(
                    officer, line, kind="pa_hours", description="Ann (PA)", allocated_pence=50_000
                )
        except Exception as error:  # noqa: BLE001
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend, args=(n,)) for n in range(WRITERS)]
    threads.append(threading.Thread(target=lower))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    line.refresh_from_db()
    assert line.spent_pence <= line.allocated_pence
    assert line.allocated_pence in (50_000, 80_000)
    assert ledger.audit() == []
