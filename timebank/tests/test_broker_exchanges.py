"""A broker records an exchange between two members: both balances move at once, within both
limits, audited; no one but the timebank's own brokers may do it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from accounts.tests.factories import UserFactory
from common.errors import NotPermitted
from common.testing import assert_denied, sign_in
from timebank import ledger, services
from timebank.models import Entry, Exchange
from timebank.tests.factories import balance, make_member, make_timebank


@pytest.fixture
def bank(db):
    timebank, broker = make_timebank(welcome_hours=Decimal("1"), min_balance=Decimal("-2"))
    ada = make_member(timebank, broker, full_name="Ada Whitfield")
    bert = make_member(timebank, broker, full_name="Bert Marsh")
    return timebank, broker, ada, bert


def _record(by, timebank, giver, receiver, hours="1.5"):
    return services.record_exchange_for_members(
        by,
        timebank,
        giver=giver,
        receiver=receiver,
        hours=hours,
        description="Fixed a dripping tap",
        happened_on=timezone.localdate(),
    )


def test_a_broker_records_an_exchange_between_two_members_at_once_and_it_is_audited(bank):
    timebank, broker, ada, bert = bank
    exchange = _record(broker, timebank, ada, bert)
    assert exchange.status == Exchange.Status.RECORDED and exchange.proposed_by == broker
    assert (balance(timebank, ada), balance(timebank, bert)) == (Decimal("2.5"), Decimal("-0.5"))
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, target_id=str(exchange.pk))
    assert event.actor == broker and event.target_type.model == "exchange"
    assert ledger.audit() == []


def test_a_broker_cannot_record_past_a_members_limit_and_nothing_is_left(bank):
    timebank, broker, ada, bert = bank
    with pytest.raises(ValidationError, match="Bert Marsh has 1.00 hours; this would take them below"):
        _record(broker, timebank, ada, bert, hours="3.25")
    assert not Exchange.objects.exists() and Entry.objects.filter(kind="exchange").count() == 0


@pytest.mark.parametrize("who", ["member", "other_broker", "resident"])
def test_only_the_timebanks_own_brokers_record_exchanges_between_members(bank, who):
    timebank, broker, ada, bert = bank
    other_bank, other_broker = make_timebank("Partington Timebank")
    people = {"member": ada, "other_broker": other_broker, "resident": UserFactory(role=Role.RESIDENT)}
    with pytest.raises(NotPermitted):
        _record(people[who], timebank, ada, bert)
    assert not Exchange.objects.exists() and not AuditEvent.objects.filter(action="create").exists()


def test_the_broker_page_records_an_exchange_and_refuses_bad_input(client, bank):
    timebank, broker, ada, bert = bank
    sign_in(client, broker)
    url = reverse("timebank:record_exchange", args=[timebank.slug])
    page = client.get(url).content.decode()
    assert "Record an exchange between two members" in page and "Bert Marsh" in page
    data = {
        "giver": ada.pk,
        "receiver": bert.pk,
        "hours": "1.5",
        "description": "Lift to the hospital",
        "happened_on": timezone.localdate().isoformat(),
    }
    stranger = make_member(*make_timebank("Partington Timebank"))
    for changes, message in [
        ({"giver": ""}, "Choose who gave their time"),
        ({"receiver": ada.pk}, "cannot exchange hours with themselves"),
        ({"receiver": stranger.pk}, "Choose a member of this timebank"),  # another timebank's member
        ({"hours": "1.1"}, "quarter hours"),
        ({"hours": "9"}, "this would take them below the limit"),
        ({"happened_on": "2099-01-01"}, "The day it happened"),
    ]:
        response = client.post(url, data | changes)
        assert response.status_code == 200 and message in response.content.decode(), message
    assert not Exchange.objects.exists()
    response = client.post(url, data, follow=True)
    assert "1.50 hours recorded: Ada Whitfield gave time to Bert Marsh." in response.content.decode()
    assert Exchange.objects.get().status == Exchange.Status.RECORDED


def test_the_broker_page_is_refused_to_members_other_brokers_and_visitors(client, bank):
    timebank, broker, ada, bert = bank
    other_broker = make_timebank("Partington Timebank")[1]
    url = reverse("timebank:record_exchange", args=[timebank.slug])
    data = {"giver": ada.pk, "receiver": bert.pk, "hours": "1", "description": "x"}
    assert_denied(client.get(url))
    assert_denied(client.post(url, data))
    sign_in(client, ada)
    assert client.get(url).status_code == 403 and client.post(url, data).status_code == 403
    sign_in(client, other_broker)
    assert client.get(url).status_code == 404 and client.post(url, data).status_code == 404
    assert not Exchange.objects.exists()


def test_a_broker_sees_the_page_from_the_dashboard(client, bank):
    timebank, broker, ada, bert = bank
    sign_in(client, broker)
    page = client.get(reverse("timebank:broker", args=[timebank.slug])).content.decode()
    assert reverse("timebank:record_exchange", args=[timebank.slug]) in page
