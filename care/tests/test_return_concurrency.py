"""Two submits of the same quarterly return at once, on PostgreSQL (where they really run at once):
the return is submitted once. The same person pressing twice gets one submission and no error; the
person and their representative at once get one submission, and the other is told it was
submitted."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import UserFactory
from care import return_services
from care.models import PersonalBudget, QuarterlyReturn
from care.tests.budget_factories import make_budget
from people.tests.factories import PersonFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
@pytest.mark.parametrize("who", ["the same person twice", "the person and the representative"])
def test_two_submits_at_once_submit_the_return_once_on_postgresql(who):
    resident, representative = UserFactory(role=Role.RESIDENT), UserFactory(role=Role.RESIDENT)
    budget = make_budget(
        kind=PersonalBudget.Kind.DIRECT_PAYMENT,
        person=PersonFactory(account=resident, account_confirmed_at=timezone.now()),
        representative=representative,
    )
    return_services.open_returns(date(2026, 7, 15))
    budget_return = QuarterlyReturn.objects.get(budget=budget)
    submitters = [resident, resident] if who == "the same person twice" else [resident, representative]
    start = threading.Barrier(2)
    refusals, failures = [], []

    def submit(user, balance):
        try:
            start.wait()
            return_services.submit_return(
                user,
                QuarterlyReturn.objects.get(pk=budget_return.pk),
                statement_balance_pence=balance,
                evidence=f"Statement {balance}",
            )
        except ValidationError as error:
            refusals.append(error)
        except Exception as error:  # noqa: BLE001 - any other error fails the test below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(user, n + 1)) for n, user in enumerate(submitters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    budget_return.refresh_from_db()
    assert budget_return.state == "submitted" and budget_return.statement_balance_pence in (1, 2)
    assert AuditEvent.objects.filter(note="quarterly return submitted").count() == 1
    if who == "the same person twice":
        assert refusals == []
    else:
        assert len(refusals) == 1 and "This return was submitted on" in " ".join(refusals[0].messages)
