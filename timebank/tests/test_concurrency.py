"""Eight writers racing to spend one member's hours against a balance limit, on PostgreSQL (the
production database, where writers really run at once): the limit holds, the timebank's balances
sum to zero, and every recorded exchange is on the ledger."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from timebank import ledger, services
from timebank.models import Entry, Exchange
from timebank.tests.factories import balance, make_member, make_timebank

WRITERS = 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_eight_writers_racing_against_a_limit_on_postgresql():
    timebank, broker = make_timebank(welcome_hours=Decimal("0"), min_balance=Decimal("-5"))
    spender = make_member(timebank, broker)
    givers = [make_member(timebank, broker) for _ in range(WRITERS)]
    # Each writer has three exchanges in which the spender receives an hour: 24 hours wanted, 5 allowed.
    proposed = {
        n: [
            services.propose_exchange(
                broker, timebank, giver=g, receiver=spender, hours="1", description=f"Help {n}.{k}"
            )
            for k in range(3)
        ]
        for n, g in enumerate(givers)
    }
    start = threading.Barrier(WRITERS)
    refusals, failures = [], []

    def write(n):
        try:
            start.wait()
            for exchange in proposed[n]:
                try:
                    services.confirm_exchange(spender, exchange)
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
    recorded = Exchange.objects.filter(status=Exchange.Status.RECORDED)
    assert recorded.count() == 5 and len(refusals) == 19
    assert all("below the limit" in " ".join(e.messages) for e in refusals)
    assert balance(timebank, spender) == Decimal("-5")
    assert Entry.objects.filter(kind="exchange").count() == 5
    assert sum(a.balance for a in timebank.ledger.accounts.all()) == 0
    assert ledger.audit() == []
