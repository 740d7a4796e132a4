"""Benchmark: a timebank ledger with 10,000 members and 1,000,000 recorded exchanges.

Builds the history in bulk (entries, postings and exchanges, with balances that agree: the
benchmark checks with the ledger audit), then measures, through the real services:
- exchanges recorded per second by one writer (propose + confirm: limits checked, postings written);
- on PostgreSQL, by 8 concurrent writers (threads, each with its own connection);
- p95 of a balance read and of a 12-month statement for a member with a typical history.
Run with `make bench`; BENCH_MEMBERS and BENCH_EXCHANGES scale it down.
"""

import os
import random
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal

from _setup import django_with_scratch_database, machine, percentiles

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "10000"))
EXCHANGES = int(os.environ.get("BENCH_EXCHANGES", "1000000"))
WRITES = int(os.environ.get("BENCH_WRITES", "2000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))

django_with_scratch_database()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organisation, Role, User  # noqa: E402
from timebank import ledger, selectors, services  # noqa: E402
from timebank.models import Account, Entry, Exchange, Membership, Posting  # noqa: E402

BATCH = 5000


def build(rng):
    started = time.perf_counter()
    organisation = Organisation.objects.create(name="Bench council", kind="council")
    broker = User.objects.create_user("broker@bench.example", full_name="Broker", role=Role.BROKER)
    timebank = services.create_timebank(
        "Bench Timebank", organisation, brokers=[broker], welcome_hours=Decimal("0"), min_balance=None
    )
    users = User.objects.bulk_create(
        [
            User(email=f"m{n}@bench.example", full_name=f"Member {n}", password=make_password(None))
            for n in range(MEMBERS)
        ],
        batch_size=BATCH,
    )
    accounts = Account.objects.bulk_create(
        [Account(ledger=timebank.ledger, kind="member", holder=u, name=u.full_name) for u in users],
        batch_size=BATCH,
    )
    now = timezone.now()
    Membership.objects.bulk_create(
        [
            Membership(timebank=timebank, user=u, status="active", approved_at=now, account=a)
            for u, a in zip(users, accounts, strict=True)
        ],
        batch_size=BATCH,
    )
    balances = dict.fromkeys((a.pk for a in accounts), Decimal("0"))
    start_day = now - timedelta(days=730)
    for first in range(0, EXCHANGES, BATCH):
        count = min(BATCH, EXCHANGES - first)
        pairs, entries = [], []
        for n in range(first, first + count):
            giver, receiver = rng.sample(accounts, 2)
            hours = Decimal(rng.choice([1, 2, 3, 4, 6, 8])) / 4
            when = start_day + timedelta(seconds=int(730 * 86400 * n / EXCHANGES))
            pairs.append((giver, receiver, hours, when))
            entries.append(Entry(ledger=timebank.ledger, kind="exchange", memo="Help", recorded_at=when))
        with transaction.atomic():
            Entry.objects.bulk_create(entries, batch_size=BATCH)
            postings, exchanges = [], []
            for entry, (giver, receiver, hours, when) in zip(entries, pairs, strict=True):
                postings += [
                    Posting(entry=entry, account=receiver, amount=-hours),
                    Posting(entry=entry, account=giver, amount=hours),
                ]
                exchanges.append(
                    Exchange(
                        timebank=timebank,
                        giver=giver,
                        receiver=receiver,
                        hours=hours,
                        description="Help",
                        happened_on=when.date(),
                        status="recorded",
                        entry=entry,
                        created_at=when,
                    )
                )
                balances[giver.pk] += hours
                balances[receiver.pk] -= hours
            Posting.objects.bulk_create(postings, batch_size=BATCH)
            Exchange.objects.bulk_create(exchanges, batch_size=BATCH)
    for account in accounts:
        account.balance = balances[account.pk]
    Account.objects.bulk_update(accounts, ["balance"], batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return timebank, broker, users, time.perf_counter() - started


def record(timebank, giver, receiver):
    exchange = services.propose_exchange(
        giver, timebank, giver=giver, receiver=receiver, hours="1", description="Bench"
    )
    services.confirm_exchange(receiver, exchange)


def single_writer(timebank, users, rng) -> float:
    started = time.perf_counter()
    for _ in range(WRITES):
        record(timebank, *rng.sample(users, 2))
    return WRITES / (time.perf_counter() - started)


def concurrent_writers(timebank, users, writers=8) -> float:
    per_writer = WRITES // writers
    gate = threading.Barrier(writers)

    def work(seed):
        rng = random.Random(seed)
        gate.wait()
        for _ in range(per_writer):
            record(timebank, *rng.sample(users, 2))
        connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return per_writer * writers / (time.perf_counter() - started)


def main():
    rng = random.Random(11)
    timebank, broker, users, built = build(rng)
    sample = rng.sample(users, QUERIES)
    cycle = iter(sample * 3)
    accounts = {a.holder_id: a for a in Account.objects.filter(holder__in=sample)}

    def balance_read():
        Account.objects.get(pk=accounts[next(cycle).pk].pk).balance  # noqa: B018 - the read is the point

    statement_cycle = iter(sample * 3)
    today = timezone.localdate()

    def statement():
        account = accounts[next(statement_cycle).pk]
        selectors.statement(account, today.replace(year=today.year - 1), today)

    balance_times = percentiles(balance_read, QUERIES)
    statement_times = percentiles(statement, QUERIES)
    single = single_writer(timebank, users, rng)
    concurrent = concurrent_writers(timebank, users) if connection.vendor == "postgresql" else None
    drift = ledger.audit([timebank.ledger])
    print(f"timebank benchmark: {MEMBERS:,} members, {EXCHANGES:,} recorded exchanges; {machine()}")
    print(f"built in {built:.1f} s; a member has about {2 * EXCHANGES // MEMBERS} postings over two years")
    print(f"  balance read        p50 {balance_times['p50']:7.2f} ms   p95 {balance_times['p95']:7.2f} ms")
    print(
        f"  12-month statement  p50 {statement_times['p50']:7.2f} ms   p95 {statement_times['p95']:7.2f} ms"
    )
    print(f"  recording, 1 writer: {single:,.0f} exchanges a second ({WRITES:,} proposed and confirmed)")
    if concurrent is not None:
        print(f"  recording, 8 writers: {concurrent:,.0f} exchanges a second")
    else:
        print("  recording, 8 writers: PostgreSQL only (SQLite runs one writer at a time)")
    print(f"  ledger audit after the run: {drift or 'no drift'}")
    return 0 if not drift else 1


if __name__ == "__main__":
    sys.exit(main())
