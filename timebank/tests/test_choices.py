"""Who can be picked in a timebank, and what a refusal gives away: a member or broker can only
choose the timebank's active members; an id outside that is refused exactly as an id that does
not exist, naming the field and no one; and a refused action leaves nothing behind."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from common.testing import sign_in
from timebank import services
from timebank.models import Entry, Exchange
from timebank.tests.factories import balance, make_member, make_timebank


@pytest.fixture
def bank(db):
    timebank, broker = make_timebank(welcome_hours=Decimal("1"))
    other_bank, other_broker = make_timebank("Partington Timebank")
    return (
        timebank,
        broker,
        make_member(timebank, broker, full_name="Ada Whitfield"),
        make_member(timebank, broker, full_name="Bert Marsh"),
        make_member(other_bank, other_broker, full_name="Zelda Quince"),
    )


def _propose(client, timebank, **data):
    return client.post(
        reverse("api_timebank_exchanges", args=[timebank.slug]),
        {"hours": "1", "description": "Help with the shopping"} | data,
        content_type="application/json",
    )


def _nothing_recorded():
    return not Exchange.objects.exists() and not Entry.objects.filter(kind=Entry.Kind.EXCHANGE).exists()


def test_api_refuses_another_timebanks_member_as_if_they_did_not_exist(client, bank):
    timebank, broker, ada, bert, zelda = bank
    sign_in(client, ada)
    refused = _propose(client, timebank, giver=ada.pk, receiver=zelda.pk)
    missing = _propose(client, timebank, giver=ada.pk, receiver=999999)
    assert refused.status_code == 400 and list(refused.json()) == ["receiver"]
    assert refused.json()["receiver"][0].replace(str(zelda.pk), "N") == missing.json()["receiver"][0].replace(
        "999999", "N"
    )
    assert "Zelda" not in refused.content.decode() and "Quince" not in refused.content.decode()
    assert _nothing_recorded()


def test_api_refuses_a_staff_members_id_without_naming_them(client, bank, make_user):
    timebank, broker, ada, bert, zelda = bank
    staff = make_user(Role.COORDINATOR, full_name="Yusuf Staffman")
    sign_in(client, ada)
    refused = _propose(client, timebank, giver=staff.pk, receiver=ada.pk)
    assert refused.status_code == 400 and "giver" in refused.json()
    assert "Invalid pk" in refused.json()["giver"][0]
    assert "Yusuf" not in refused.content.decode() and "Staffman" not in refused.content.decode()
    assert _nothing_recorded()


def test_broker_cannot_pick_a_member_of_another_timebank_through_the_api(client, bank):
    timebank, broker, ada, bert, zelda = bank
    sign_in(client, broker)
    refused = _propose(client, timebank, giver=zelda.pk, receiver=None)
    assert refused.status_code == 400 and "giver" in refused.json()
    assert "Zelda" not in refused.content.decode()
    assert _nothing_recorded()


def test_exchange_form_refuses_another_timebanks_member_without_naming_them(client, bank):
    timebank, broker, ada, bert, zelda = bank
    sign_in(client, ada)
    page = client.post(
        reverse("timebank:propose", args=[timebank.slug]),
        {
            "other": zelda.pk,
            "direction": "gave",
            "hours": "1",
            "description": "Help",
            "happened_on": "2026-11-20",
        },
    ).content.decode()
    assert "Choose a member of this timebank" in page and "Zelda" not in page
    assert _nothing_recorded()


def test_community_exchange_form_refuses_another_timebanks_member(client, bank):
    timebank, broker, ada, bert, zelda = bank
    sign_in(client, broker)
    page = client.post(
        reverse("timebank:community_exchange", args=[timebank.slug]),
        {
            "member": zelda.pk,
            "direction": "earned",
            "hours": "1",
            "description": "Litter pick",
            "happened_on": "2026-11-20",
        },
    ).content.decode()
    assert "Choose a member of this timebank" in page and "Zelda" not in page
    assert _nothing_recorded()


def test_service_refusal_of_an_outsider_names_no_one(bank):
    timebank, broker, ada, bert, zelda = bank
    with pytest.raises(ValidationError) as refused:
        services.propose_exchange(ada, timebank, giver=ada, receiver=zelda, hours="1", description="Help")
    assert "receiver" in refused.value.message_dict
    assert "Zelda" not in str(refused.value.messages)
    assert _nothing_recorded()


def test_community_exchange_refused_by_the_ledger_leaves_no_proposal_behind(client, bank):
    timebank, broker, ada, bert, zelda = bank
    entries = Entry.objects.count()
    sign_in(client, broker)
    page = client.post(
        reverse("timebank:community_exchange", args=[timebank.slug]),
        {
            "member": ada.pk,
            "direction": "spent",
            "hours": "20",  # Ada has 1 hour; the ledger lets her go to -10 at most
            "description": "Decorating",
            "happened_on": "2026-11-20",
        },
    )
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    assert not Exchange.objects.exists() and Entry.objects.count() == entries
    assert balance(timebank, ada) == Decimal("1")
    assert services.community_account(timebank).balance == Decimal("-2")


def test_record_community_exchange_is_one_action(bank):
    timebank, broker, ada, bert, zelda = bank
    entries = Entry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.record_community_exchange(
            broker, timebank, member=ada, earned=False, hours="20", description="Decorating"
        )
    assert "hours" in refused.value.message_dict
    assert not Exchange.objects.exists() and Entry.objects.count() == entries
    recorded = services.record_community_exchange(
        broker, timebank, member=ada, earned=True, hours="2", description="Litter pick"
    )
    assert recorded.status == Exchange.Status.RECORDED and balance(timebank, ada) == Decimal("3")


def test_member_cannot_record_community_hours_as_if_a_broker(bank):
    timebank, broker, ada, bert, zelda = bank
    with pytest.raises(ValidationError):
        services.record_community_exchange(
            ada, timebank, member=ada, earned=True, hours="5", description="Nothing really"
        )
    assert _nothing_recorded() and balance(timebank, ada) == Decimal("1")


def test_awarding_credits_by_email_does_not_reveal_the_name_on_the_account(client, db):
    from accounts.tests.factories import OrganisationFactory, UserFactory

    council = OrganisationFactory()
    scheme = services.create_credit_scheme("Trafford Time Credits", council)
    awarder = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=council)
    UserFactory(email="someone@example.org", full_name="Zelda Quince")
    sign_in(client, awarder)
    page = client.post(
        reverse("timebank:award", args=[scheme.slug]),
        {"volunteer": "someone@example.org", "hours": "2", "what": "Park clean-up"},
        follow=True,
    ).content.decode()
    assert "Credits awarded to someone@example.org" in page and "Zelda" not in page
