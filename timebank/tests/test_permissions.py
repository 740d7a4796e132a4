"""Who may do what in a timebank (timebank.permissions), and how a service's refusal reaches a
person: NotPermitted as 403 on the page and in the API (with its message), NotVisible as 404
exactly as for something that does not exist."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from common.errors import NotPermitted, NotVisible, Refusal
from common.testing import sign_in
from timebank import ledger, permissions, services
from timebank.models import Exchange, Membership, Reply
from timebank.tests.factories import make_member, make_timebank

ANONYMOUS = AnonymousUser()


@pytest.fixture
def bank(db):
    timebank, broker = make_timebank(welcome_hours=Decimal("1"))
    other_bank, other_broker = make_timebank("Partington Timebank")
    ada = make_member(timebank, broker, full_name="Ada Whitfield")
    bert = make_member(timebank, broker, full_name="Bert Marsh")
    cyril = make_member(timebank, broker, full_name="Cyril Ashworth")
    return {
        "timebank": timebank,
        "broker": broker,
        "ada": ada,
        "bert": bert,
        "cyril": cyril,
        "other_broker": other_broker,
        "zelda": make_member(other_bank, other_broker, full_name="Zelda Quince"),
    }


def _proposed(bank):
    """Ada proposes that she gave Bert an hour; Bert (or a broker) confirms."""
    return services.propose_exchange(
        bank["ada"],
        bank["timebank"],
        giver=bank["ada"],
        receiver=bank["bert"],
        hours="1",
        description="Shelf",
    )


def _set_status(timebank, user, status):
    Membership.objects.filter(timebank=timebank, user=user).update(status=status)


def test_only_the_timebanks_own_brokers_and_administrators_broker_it(bank, make_user):
    timebank = bank["timebank"]
    assert permissions.may_broker_timebank(bank["broker"], timebank)
    assert permissions.may_broker_timebank(make_user(Role.ADMINISTRATOR), timebank)
    assert permissions.may_broker_timebank(UserFactory(is_superuser=True), timebank)
    assert not permissions.may_broker_timebank(bank["other_broker"], timebank)  # another timebank's
    assert not permissions.may_broker_timebank(make_user(Role.BROKER), timebank)  # not named by it
    assert not permissions.may_broker_timebank(bank["ada"], timebank)
    assert not permissions.may_broker_timebank(make_user(Role.COORDINATOR), timebank)
    assert not permissions.may_broker_timebank(ANONYMOUS, timebank)


def test_a_named_broker_who_is_no_longer_a_broker_does_not_broker(bank):
    broker = bank["broker"]
    broker.role = Role.RESIDENT
    broker.save(update_fields=["role"])
    assert not permissions.may_broker_timebank(broker, bank["timebank"])


def test_a_closed_account_does_not_broker(bank):
    broker = bank["broker"]
    broker.is_active = False
    broker.save(update_fields=["is_active"])
    assert not permissions.may_broker_timebank(broker, bank["timebank"])


@pytest.mark.parametrize(
    ("status", "inside", "takes_part"),
    [
        (Membership.Status.ACTIVE, True, True),
        (Membership.Status.PAUSED, True, False),
        (Membership.Status.APPLIED, False, False),
        (Membership.Status.LEFT, False, False),
    ],
)
def test_members_see_inside_while_active_or_paused_and_take_part_while_active(
    bank, status, inside, takes_part
):
    timebank, ada = bank["timebank"], bank["ada"]
    _set_status(timebank, ada, status)
    assert permissions.may_see_inside_timebank(ada, timebank) is inside
    assert permissions.may_take_part_in_timebank(ada, timebank) is takes_part


def test_brokers_see_inside_without_taking_part_and_outsiders_see_nothing(bank):
    timebank = bank["timebank"]
    assert permissions.may_see_inside_timebank(bank["broker"], timebank)
    assert not permissions.may_take_part_in_timebank(bank["broker"], timebank)
    for outsider in (bank["zelda"], bank["other_broker"], UserFactory(), ANONYMOUS):
        assert not permissions.may_see_inside_timebank(outsider, timebank)
        assert not permissions.may_take_part_in_timebank(outsider, timebank)


def test_an_exchange_is_seen_by_the_people_in_it_and_the_brokers(bank, make_user):
    exchange = _proposed(bank)
    assert permissions.may_see_exchange(bank["ada"], exchange)
    assert permissions.may_see_exchange(bank["bert"], exchange)
    assert permissions.may_see_exchange(bank["broker"], exchange)
    assert permissions.may_see_exchange(make_user(Role.ADMINISTRATOR), exchange)
    assert not permissions.may_see_exchange(bank["cyril"], exchange)  # a member, not in it
    assert not permissions.may_see_exchange(bank["zelda"], exchange)
    assert not permissions.may_see_exchange(bank["other_broker"], exchange)
    assert not permissions.may_see_exchange(ANONYMOUS, exchange)


def test_someone_who_left_no_longer_sees_their_exchanges(bank):
    exchange = _proposed(bank)
    _set_status(bank["timebank"], bank["bert"], Membership.Status.LEFT)
    assert not permissions.may_see_exchange(bank["bert"], exchange)


def test_the_other_person_or_a_broker_confirms_and_either_person_cancels(bank):
    exchange = _proposed(bank)
    assert permissions.may_confirm_exchange(bank["bert"], exchange)
    assert permissions.may_confirm_exchange(bank["broker"], exchange)
    assert not permissions.may_confirm_exchange(bank["ada"], exchange)  # she proposed it
    assert not permissions.may_confirm_exchange(bank["cyril"], exchange)
    assert not permissions.may_confirm_exchange(bank["other_broker"], exchange)
    assert not permissions.may_confirm_exchange(ANONYMOUS, exchange)
    for person in ("ada", "bert", "broker"):
        assert permissions.may_cancel_exchange(bank[person], exchange), person
    for person in ("cyril", "other_broker", "zelda"):
        assert not permissions.may_cancel_exchange(bank[person], exchange), person
    assert not permissions.may_cancel_exchange(ANONYMOUS, exchange)


def test_a_member_changes_their_own_membership_and_a_broker_anyones(bank):
    timebank = bank["timebank"]
    membership = Membership.objects.get(timebank=timebank, user=bank["ada"])
    assert permissions.may_change_membership(bank["ada"], membership)
    assert permissions.may_change_membership(bank["broker"], membership)
    assert not permissions.may_change_membership(bank["bert"], membership)
    assert not permissions.may_change_membership(bank["other_broker"], membership)
    assert not permissions.may_change_membership(ANONYMOUS, membership)


def test_the_author_or_a_broker_closes_an_offer(bank):
    post = services.post_to_board(bank["ada"], bank["timebank"], {"kind": "offer", "title": "Ironing"})
    assert permissions.may_close_post(bank["ada"], post)
    assert permissions.may_close_post(bank["broker"], post)
    assert not permissions.may_close_post(bank["bert"], post)
    assert not permissions.may_close_post(bank["other_broker"], post)
    assert not permissions.may_close_post(ANONYMOUS, post)


def test_editors_of_taking_part_organisations_and_administrators_award_credits(db, make_user):
    council, charity = OrganisationFactory(), OrganisationFactory()
    scheme = services.create_credit_scheme("Trafford Time Credits", council, awarding=[charity])
    assert permissions.may_award_credits(make_user(Role.ORGANISATION_EDITOR, organisation=council), scheme)
    assert permissions.may_award_credits(make_user(Role.ORGANISATION_EDITOR, organisation=charity), scheme)
    assert permissions.may_award_credits(make_user(Role.ADMINISTRATOR), scheme)
    elsewhere = make_user(Role.ORGANISATION_EDITOR, organisation=OrganisationFactory())
    assert not permissions.may_award_credits(elsewhere, scheme)
    assert not permissions.may_award_credits(make_user(Role.ORGANISATION_EDITOR), scheme)  # no organisation
    assert not permissions.may_award_credits(make_user(Role.COORDINATOR, organisation=council), scheme)
    assert not permissions.may_award_credits(make_user(Role.RESIDENT), scheme)
    assert not permissions.may_award_credits(ANONYMOUS, scheme)


# How a refusal reaches a person ------------------------------------------------------------------


def test_services_say_which_kind_of_no(bank):
    exchange = _proposed(bank)
    with pytest.raises(NotPermitted, match="The other person in the exchange, or a broker"):
        services.confirm_exchange(bank["ada"], exchange)
    with pytest.raises(NotVisible):
        services.confirm_exchange(bank["cyril"], exchange)
    with pytest.raises(NotVisible):
        services.cancel_exchange(bank["zelda"], exchange)
    exchange.refresh_from_db()
    assert exchange.status == Exchange.Status.PROPOSED


def test_the_ledgers_refusals_are_refusals_naming_the_field(bank):
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.check_amount(Decimal("0.1"), bank["timebank"].ledger)
    assert isinstance(refused.value, Refusal)
    assert refused.value.message_dict == {"hours": ["The hours must be in quarter hours (0.25, 0.5, 0.75…)."]}
    assert issubclass(ledger.LimitExceeded, Refusal)


def test_not_permitted_on_the_page_is_403_and_changes_nothing(client, bank):
    exchange = _proposed(bank)
    sign_in(client, bank["ada"])
    assert client.post(reverse("timebank:confirm", args=[exchange.pk])).status_code == 403
    exchange.refresh_from_db()
    assert exchange.status == Exchange.Status.PROPOSED


def test_not_permitted_in_the_api_is_403_with_the_message(client, bank):
    exchange = _proposed(bank)
    sign_in(client, bank["ada"])
    answer = client.post(reverse("api_exchange_confirm", args=[exchange.pk]))
    assert answer.status_code == 403
    assert answer.json() == {"detail": "The other person in the exchange, or a broker, confirms it."}
    recorded_for_others = client.post(
        reverse("api_timebank_exchanges", args=[bank["timebank"].slug]),
        {"giver": bank["bert"].pk, "receiver": bank["cyril"].pk, "hours": "1", "description": "Not mine"},
        content_type="application/json",
    )
    assert recorded_for_others.status_code == 403
    assert recorded_for_others.json() == {"detail": "You can only record exchanges you took part in."}
    exchange.refresh_from_db()
    assert exchange.status == Exchange.Status.PROPOSED and Exchange.objects.count() == 1


def test_not_visible_on_the_page_is_404_like_a_missing_exchange(client, bank):
    exchange = _proposed(bank)
    sign_in(client, bank["cyril"])  # a member of the same timebank, not in the exchange
    for name in ("timebank:confirm", "timebank:cancel"):
        hidden = client.post(reverse(name, args=[exchange.pk]))
        missing = client.post(reverse(name, args=[999999]))
        assert hidden.status_code == missing.status_code == 404, name
        assert "Shelf" not in hidden.content.decode()
    exchange.refresh_from_db()
    assert exchange.status == Exchange.Status.PROPOSED


def test_not_visible_in_the_api_is_404_exactly_like_a_missing_exchange(client, bank):
    exchange = _proposed(bank)
    sign_in(client, bank["cyril"])
    for name in ("api_exchange_confirm", "api_exchange_cancel"):
        hidden = client.post(reverse(name, args=[exchange.pk]))
        missing = client.post(reverse(name, args=[999999]))
        assert hidden.status_code == missing.status_code == 404, name
        assert hidden.json() == missing.json(), name
    exchange.refresh_from_db()
    assert exchange.status == Exchange.Status.PROPOSED


def test_a_paused_member_cannot_reply_on_the_board(client, bank):
    offer = services.post_to_board(bank["ada"], bank["timebank"], {"kind": "offer", "title": "Ironing"})
    _set_status(bank["timebank"], bank["bert"], Membership.Status.PAUSED)
    sign_in(client, bank["bert"])
    answer = client.post(reverse("timebank:post", args=[offer.pk]), {"message": "Could you do Friday?"})
    assert answer.status_code == 403 and not Reply.objects.exists()
