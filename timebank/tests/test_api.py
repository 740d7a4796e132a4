"""The timebank API keeps the pages' rules."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.testing import sign_in
from timebank.models import Entry, Exchange
from timebank.tests.factories import balance, make_member, make_timebank


@pytest.fixture
def bank(db):
    timebank, broker = make_timebank(welcome_hours=Decimal("1"))
    return timebank, broker, make_member(timebank, broker), make_member(timebank, broker)


def test_member_proposes_and_the_other_confirms_through_the_api(client, bank):
    timebank, broker, ada, bert = bank
    sign_in(client, ada)
    url = reverse("api_timebank_exchanges", args=[timebank.slug])
    data = {"giver": ada.pk, "receiver": bert.pk, "hours": "1.25", "description": "Walked the dog"}
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "proposed"
    sign_in(client, bert)
    confirmed = client.post(reverse("api_exchange_confirm", args=[response.json()["id"]]))
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "recorded"
    assert client.get(reverse("api_timebank_balance", args=[timebank.slug])).json()["balance"] == "-0.25"
    assert balance(timebank, ada) == Decimal("2.25")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours": "-1"}, "hours"),
        ({"hours": "0.1"}, "hours"),
        ({"receiver": "ADA"}, "receiver"),  # with themselves
        ({"receiver": "OUTSIDER"}, "receiver"),  # not in this timebank
        ({"receiver": 999999}, "receiver"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_exchanges_get_400_naming_the_field_and_write_nothing(client, bank, changes, field):
    timebank, broker, ada, bert = bank
    outsider = UserFactory()
    sign_in(client, ada)
    data = {"giver": ada.pk, "receiver": bert.pk, "hours": "1", "description": "Help"} | changes
    data = {
        k: {"ADA": ada.pk, "OUTSIDER": outsider.pk}.get(v, v) if isinstance(v, str) else v
        for k, v in data.items()
    }
    response = client.post(
        reverse("api_timebank_exchanges", args=[timebank.slug]), data, content_type="application/json"
    )
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Exchange.objects.exists()


def test_outsiders_get_404_and_members_cannot_see_every_balance(client, bank):
    timebank, broker, ada, bert = bank
    sign_in(client, ada)
    exchange_id = client.post(
        reverse("api_timebank_exchanges", args=[timebank.slug]),
        {"giver": ada.pk, "receiver": bert.pk, "hours": "1", "description": "x"},
        content_type="application/json",
    ).json()["id"]
    assert client.get(reverse("api_timebank_balances", args=[timebank.slug])).status_code == 403
    sign_in(client, UserFactory(role=Role.RESIDENT))
    for url in ("api_timebank_balance", "api_timebank_balances", "api_timebank_exchanges"):
        assert client.get(reverse(url, args=[timebank.slug])).status_code == 404, url
    assert client.post(reverse("api_exchange_confirm", args=[exchange_id])).status_code == 404
    client.logout()
    assert client.get(reverse("api_timebank_balance", args=[timebank.slug])).status_code == 403
    assert Entry.objects.filter(kind="exchange").count() == 0
    sign_in(client, broker)
    balances = client.get(reverse("api_timebank_balances", args=[timebank.slug])).json()
    assert sum(Decimal(b["balance"]) for b in balances) == 0 and len(balances) == 3
