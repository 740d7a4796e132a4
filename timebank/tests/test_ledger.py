"""The ledger never loses or invents an hour: for any sequence of exchanges and corrections,
every balance equals the sum of its postings, each timebank's balances sum to zero, and members
stay within the limits."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from timebank import ledger, services
from timebank.models import Account, Entry, Exchange, Posting
from timebank.tests.factories import balance, make_member, make_timebank


def test_welcome_hours_come_from_the_community_account(db):
    timebank, broker = make_timebank(welcome_hours=Decimal("2"))
    member = make_member(timebank, broker)
    assert balance(timebank, member) == Decimal("2")
    assert services.community_account(timebank).balance == Decimal("-2")
    assert ledger.audit() == []


def test_an_exchange_moves_hours_from_receiver_to_giver(db):
    timebank, broker = make_timebank(welcome_hours=Decimal("0"))
    gardener, neighbour = make_member(timebank, broker), make_member(timebank, broker)
    exchange = services.propose_exchange(
        gardener,
        timebank,
        giver=gardener,
        receiver=neighbour,
        hours="1.5",
        description="Weeded the front garden",
    )
    assert exchange.status == Exchange.Status.PROPOSED and balance(timebank, gardener) == 0  # nothing yet
    services.confirm_exchange(neighbour, exchange)
    assert balance(timebank, gardener) == Decimal("1.5") and balance(timebank, neighbour) == Decimal("-1.5")
    exchange.refresh_from_db()
    assert exchange.status == Exchange.Status.RECORDED
    assert sorted(exchange.entry.postings.values_list("amount", flat=True)) == [
        Decimal("-1.5"),
        Decimal("1.5"),
    ]


def test_a_correction_is_a_reversing_entry_and_the_original_stays(db):
    timebank, broker = make_timebank(welcome_hours=Decimal("0"))
    a, b = make_member(timebank, broker), make_member(timebank, broker)
    exchange = services.confirm_exchange(
        b, services.propose_exchange(a, timebank, giver=a, receiver=b, hours="2", description="Lifts")
    )
    services.correct_exchange(broker, exchange, "Typed 2 hours; it was 1")
    assert balance(timebank, a) == 0 and balance(timebank, b) == 0
    assert (
        Entry.objects.filter(kind="exchange").count() == 1
        and Entry.objects.filter(kind="reversal").count() == 1
    )
    with pytest.raises(ValidationError, match="Only a recorded exchange"):
        services.correct_exchange(broker, exchange, "again")
    with pytest.raises(ledger.LedgerError, match="already been corrected"):
        ledger.reverse_entry(exchange.entry)


def test_entries_and_postings_are_never_changed_or_deleted(db):
    timebank, broker = make_timebank()
    make_member(timebank, broker)
    entry = Entry.objects.get()
    entry.memo = "changed"
    with pytest.raises(ValidationError, match="never changed"):
        entry.save()
    with pytest.raises(ValidationError, match="never deleted"):
        entry.delete()
    with pytest.raises(ValidationError, match="never changed"):
        Posting.objects.first().save()
    assert Entry.objects.get().memo != "changed"


def test_a_limit_refuses_the_exchange_and_writes_nothing(db):
    # Two proposals that each fit when made, but not both: the second is refused when recorded.
    timebank, broker = make_timebank(welcome_hours=Decimal("0"), min_balance=Decimal("-3"))
    a, b = make_member(timebank, broker), make_member(timebank, broker)
    first = services.propose_exchange(a, timebank, giver=a, receiver=b, hours="2.5", description="x")
    second = services.propose_exchange(a, timebank, giver=a, receiver=b, hours="1", description="y")
    services.confirm_exchange(b, first)
    entries = Entry.objects.count()
    with pytest.raises(ValidationError, match="below the limit of -3.00"):
        services.confirm_exchange(b, second)
    second.refresh_from_db()
    assert second.status == Exchange.Status.PROPOSED and Entry.objects.count() == entries
    assert balance(timebank, b) == Decimal("-2.5") and ledger.audit() == []


@pytest.mark.parametrize(
    ("hours", "giver", "receiver", "message", "field"),
    [
        ("-1", "a", "b", "must be more than zero", "hours"),
        ("0", "a", "b", "must be more than zero", "hours"),
        ("1.1", "a", "b", "quarter hours", "hours"),
        ("lots", "a", "b", "must be a number", "hours"),
        ("NaN", "a", "b", "must be a number", "hours"),
        ("1", "a", "a", "cannot exchange hours with themselves", "receiver"),
        ("1", "a", "other", "Choose an active member of", "receiver"),  # across timebanks
        ("1", "a", "applicant", "Choose an active member of", "receiver"),  # not yet approved
    ],
)
def test_bad_exchanges_are_refused_naming_the_field_and_write_nothing(
    db, hours, giver, receiver, message, field
):
    timebank, broker = make_timebank()
    other_bank, other_broker = make_timebank("Partington Timebank")
    people = {
        "a": make_member(timebank, broker),
        "b": make_member(timebank, broker),
        "other": make_member(other_bank, other_broker),
    }
    from accounts.tests.factories import UserFactory

    people["applicant"] = UserFactory()
    services.apply_to_join(people["applicant"], timebank)
    before = (Exchange.objects.count(), Entry.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.propose_exchange(
            people["a"],
            timebank,
            giver=people[giver],
            receiver=people[receiver],
            hours=hours,
            description="Help",
        )
    assert field in refused.value.message_dict and message in refused.value.message_dict[field][0]
    assert (Exchange.objects.count(), Entry.objects.count()) == before


def test_only_a_broker_approves_members_and_records_with_the_community_account(db):
    timebank, broker = make_timebank()
    member = make_member(timebank, broker)
    from accounts.tests.factories import UserFactory

    applicant = UserFactory()
    membership = services.apply_to_join(applicant, timebank)
    with pytest.raises(ValidationError, match="Only Sale Timebank's brokers"):
        services.approve_member(member, membership, "Looks fine")
    with pytest.raises(ValidationError, match="Note the welcome conversation"):
        services.approve_member(broker, membership, "  ")
    with pytest.raises(ValidationError, match="Only a broker can record hours with the community"):
        services.propose_exchange(
            member, timebank, giver=member, receiver=None, hours="1", description="Litter pick"
        )
    assert not Account.objects.filter(holder=applicant).exists()


def test_broker_approval_holds_an_exchange_until_a_broker_records_it(db):
    timebank, broker = make_timebank(needs_broker_approval=True, welcome_hours=Decimal("0"))
    a, b = make_member(timebank, broker), make_member(timebank, broker)
    exchange = services.confirm_exchange(
        b, services.propose_exchange(a, timebank, giver=a, receiver=b, hours="1", description="x")
    )
    assert exchange.status == Exchange.Status.CONFIRMED and balance(timebank, a) == 0
    with pytest.raises(ValidationError, match="waiting for a broker"):
        services.confirm_exchange(a, exchange)
    assert services.confirm_exchange(broker, exchange).status == Exchange.Status.RECORDED
    assert balance(timebank, a) == 1


def test_timebank_audit_reports_zero_drift_and_finds_tampering(db, capsys):
    timebank, broker = make_timebank()
    make_member(timebank, broker)
    call_command("timebank_audit")
    assert "No drift" in capsys.readouterr().out
    Account.objects.filter(kind="member").update(balance=Decimal("5"))  # behind the ledger's back
    with pytest.raises(CommandError, match="2 problem"):
        call_command("timebank_audit")
    err = capsys.readouterr().err
    assert "holds 5.00, its postings sum to 1.00" in err and "balances sum to 4.00, not zero" in err


# Any sequence of steps: (giver, receiver, quarter hours) exchanges, or corrections of an earlier one.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("exchange"), st.integers(0, 3), st.integers(0, 3), st.integers(1, 24)),
        st.tuples(st.just("correct"), st.integers(0, 50), st.just(0), st.just(0)),
    ),
    max_size=25,
)


class LedgerInvariants(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(steps)
    def test_invariants_hold_for_any_sequence_of_exchanges_and_corrections(self, sequence):
        limit = Decimal("-4")
        timebank, broker = make_timebank(
            welcome_hours=Decimal("1"), min_balance=limit, max_balance=Decimal("12")
        )
        members = [make_member(timebank, broker) for _ in range(4)]
        recorded = []
        for kind, x, y, quarters in sequence:
            try:
                if kind == "exchange":
                    exchange = services.propose_exchange(
                        broker,
                        timebank,
                        giver=members[x],
                        receiver=members[y],
                        hours=Decimal(quarters) / 4,
                        description="x",
                    )
                    recorded.append(services.confirm_exchange(broker, exchange))
                elif recorded:
                    services.correct_exchange(broker, recorded[x % len(recorded)], "mistake")
            except ValidationError:
                pass  # refused: self-exchange, a limit, a second correction; nothing may have changed
            assert ledger.audit() == []
            for account in timebank.ledger.accounts.filter(kind="member"):
                # Exchanges respect the limits; only a correction (always allowed) may cross one.
                corrected = Entry.objects.filter(kind="reversal", postings__account=account).exists()
                assert corrected or limit <= account.balance <= Decimal("12")
        total = sum(a.balance for a in timebank.ledger.accounts.all())
        assert total == 0


def test_the_database_refuses_to_change_ledger_rows_behind_the_codes_back(db):
    from django.db import DatabaseError, transaction

    timebank, broker = make_timebank()
    make_member(timebank, broker)
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        Posting.objects.update(amount=Decimal("100"))
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        Entry.objects.update(kind=Entry.Kind.AWARD)
    with pytest.raises(DatabaseError, match="never changed"), transaction.atomic():
        Entry.objects.update(recorded_at=Entry.objects.first().recorded_at.replace(year=2000))
    assert sorted(Posting.objects.values_list("amount", flat=True)) == [Decimal("-1"), Decimal("1")]
    assert ledger.audit() == []
