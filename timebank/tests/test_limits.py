"""Balance limits: a proposal past the giver's or the receiver's limit is refused when it is made
(and again, under the account's lock, when it is recorded), and no refusal, page or API answer
tells one member another's balance."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.testing import sign_in
from timebank import ledger, services
from timebank.models import Entry, Exchange
from timebank.tests.factories import balance, make_member, make_timebank


@pytest.fixture
def bank(db):
    """Ada (0 hours), Bert (-3.75, near the floor of -4) and Cara (5.25, near the ceiling of 6)."""
    timebank, broker = make_timebank(
        welcome_hours=Decimal("0"), min_balance=Decimal("-4"), max_balance=Decimal("6")
    )
    ada = make_member(timebank, broker, full_name="Ada Whitfield")
    bert = make_member(timebank, broker, full_name="Bert Marsh")
    cara = make_member(timebank, broker, full_name="Cara Doyle")
    services.confirm_exchange(
        bert,
        services.propose_exchange(cara, timebank, giver=cara, receiver=bert, hours="3.75", description="x"),
    )
    services.record_community_exchange(
        broker, timebank, member=cara, earned=True, hours="1.5", description="Litter pick"
    )
    assert (balance(timebank, bert), balance(timebank, cara)) == (Decimal("-3.75"), Decimal("5.25"))
    return timebank, broker, ada, bert, cara


def _propose(by, giver, receiver, hours):
    timebank = giver.timebank_memberships.get().timebank
    return services.propose_exchange(
        by, timebank, giver=giver, receiver=receiver, hours=hours, description="x"
    )


def _refused(call) -> str:
    with pytest.raises(ValidationError) as refused:
        call()
    assert list(refused.value.message_dict) == ["hours"]
    return refused.value.message_dict["hours"][0]


def test_a_proposal_past_the_receivers_limit_is_refused_when_proposed(bank):
    timebank, broker, ada, bert, cara = bank
    proposed = Exchange.objects.count()
    said = _refused(lambda: _propose(ada, ada, bert, "1"))
    assert said == "This would take the other member past their limit. Try fewer hours, or ask a broker."
    # Bert proposing it himself is told his own position.
    said = _refused(
        lambda: services.propose_exchange(
            bert, timebank, giver=ada, receiver=bert, hours="1", description="x"
        )
    )
    assert said.startswith("You have -3.75 hours; this would take you below the limit of -4.00 hours.")
    assert Exchange.objects.count() == proposed
    # What fits is still proposed.
    services.propose_exchange(ada, timebank, giver=ada, receiver=bert, hours="0.25", description="x")


def test_a_proposal_past_the_givers_limit_is_refused_when_proposed(bank):
    timebank, broker, ada, bert, cara = bank
    proposed = Exchange.objects.count()
    said = _refused(lambda: _propose(ada, cara, ada, "1"))
    assert said == "This would take the other member past their limit. Try fewer hours, or ask a broker."
    said = _refused(
        lambda: services.propose_exchange(
            cara, timebank, giver=cara, receiver=ada, hours="1", description="x"
        )
    )
    assert said.startswith("You have 5.25 hours; this would take you above the limit of 6.00 hours.")
    # A broker sees every balance, so a broker is told the member's.
    said = _refused(
        lambda: services.propose_exchange(
            broker, timebank, giver=cara, receiver=ada, hours="1", description="x"
        )
    )
    assert said == "Cara Doyle has 5.25 hours; this would take them above the limit of 6.00 hours."
    assert Exchange.objects.count() == proposed


def test_a_limit_reached_after_proposing_is_refused_at_confirmation_without_the_other_balance(bank):
    timebank, broker, ada, bert, cara = bank
    exchange = services.propose_exchange(
        cara, timebank, giver=cara, receiver=ada, hours="0.5", description="Shopping"
    )
    services.record_community_exchange(
        broker, timebank, member=cara, earned=True, hours="0.5", description="Lunch club"
    )
    entries = Entry.objects.count()
    said = _refused(lambda: services.confirm_exchange(ada, exchange))
    assert said == "This would take the other member past their limit. Try fewer hours, or ask a broker."
    exchange.refresh_from_db()
    assert exchange.status == Exchange.Status.PROPOSED and Entry.objects.count() == entries
    assert balance(timebank, cara) == Decimal("5.75") and ledger.audit() == []


def test_the_ledger_checks_again_when_it_writes(bank):
    """The check at proposal is a reading; the entry's write is what holds the line."""
    timebank, broker, ada, bert, cara = bank
    bert_account = timebank.ledger.accounts.get(holder=bert)
    ada_account = timebank.ledger.accounts.get(holder=ada)
    with pytest.raises(ledger.LimitExceeded) as refused:
        ledger.post_entry(
            timebank.ledger, [(bert_account, Decimal("-1")), (ada_account, Decimal("1"))], "exchange"
        )
    assert refused.value.account == bert_account and refused.value.below
    assert "3.75" not in str(refused.value) and "Bert" not in str(refused.value)
    assert balance(timebank, bert) == Decimal("-3.75")


# Every figure the attacker must never see: Bert's and Cara's balances, before and after.
SECRETS = re.compile(r"3\.75|5\.25|5\.75")


def test_a_member_cannot_learn_another_members_balance_from_any_message_page_or_api_answer(client, bank):
    timebank, broker, ada, bert, cara = bank
    offered = services.propose_exchange(
        cara, timebank, giver=cara, receiver=ada, hours="0.5", description="Tea"
    )
    services.record_community_exchange(
        broker, timebank, member=cara, earned=True, hours="0.5", description="Lunch club"
    )  # Cara is now at 5.75: Ada confirming the offer would take her past 6
    sign_in(client, ada)
    seen: list[str] = []
    propose = reverse("timebank:propose", args=[timebank.slug])
    for other, direction in ((bert, "gave"), (cara, "received")):
        for hours in ("0.5", "1", "2", "4", "6", "9.5", "12"):
            data = {
                "other": other.pk,
                "direction": direction,
                "hours": hours,
                "description": "Probing",
                "happened_on": "2026-11-20",
            }
            seen.append(client.post(propose, data, follow=True).content.decode())
    api = reverse("api_timebank_exchanges", args=[timebank.slug])
    for giver, receiver in ((ada, bert), (cara, ada)):
        for hours in ("1", "3", "8"):
            data = {"giver": giver.pk, "receiver": receiver.pk, "hours": hours, "description": "Probing"}
            answer = client.post(api, data, content_type="application/json")
            assert answer.status_code == 400
            seen.append(answer.content.decode())
    seen.append(client.post(reverse("timebank:confirm", args=[offered.pk]), follow=True).content.decode())
    answer = client.post(reverse("api_exchange_confirm", args=[offered.pk]))
    assert answer.status_code == 400
    seen.append(answer.content.decode())
    for name in ("member", "statement", "board", "timebank"):
        seen.append(client.get(reverse(f"timebank:{name}", args=[timebank.slug])).content.decode())
    for name in ("api_timebank_balance", "api_timebank_exchanges"):
        seen.append(client.get(reverse(name, args=[timebank.slug])).content.decode())
    assert client.get(reverse("api_timebank_balances", args=[timebank.slug])).status_code == 403

    assert sum("past their limit" in said for said in seen) >= 10  # the probes were refused…
    assert [SECRETS.findall(said) for said in seen if SECRETS.search(said)] == []  # …saying nothing more
    assert not Exchange.objects.filter(proposed_by=ada).exists()  # every probe passed a limit
