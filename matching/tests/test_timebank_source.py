"""Timebank offers and members as suggestions, only for someone who may see inside the timebank:
its members and brokers. Everyone else, a coordinator from outside and the public form included, is
told nothing, not even that an offer or a member exists."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from matching.ranking import Cost, Profile
from matching.selectors import suggest
from matching.sources import Context
from matching.sources.timebank import find_members, find_offers, timebanks_seen_inside_by
from people.tests.factories import PersonFactory
from timebank import services
from timebank.models import Membership, Post
from timebank.tests.factories import make_member, make_timebank

pytestmark = pytest.mark.django_db

PROFILE = Profile(name="Sam", phrases=("gardening",))


@pytest.fixture
def sale():
    """Sale Timebank: a broker, Ann who offers gardening and lifts, Bob who only asks."""
    timebank, broker = make_timebank("Sale Timebank")
    ann = make_member(timebank, broker, full_name="Ann Gardener")
    bob = make_member(timebank, broker, full_name="Bob Asker")
    services.post_to_board(
        ann,
        timebank,
        {
            "kind": "offer",
            "title": "Help in your garden",
            "description": "Weeding, pruning, planting.",
            "tags": "gardening, allotment",
        },
    )
    services.post_to_board(ann, timebank, {"kind": "offer", "title": "Lifts to the shops", "description": ""})
    services.post_to_board(
        bob, timebank, {"kind": "request", "title": "Someone to fix a shelf", "description": ""}
    )
    return {"timebank": timebank, "broker": broker, "ann": ann, "bob": bob}


def keys(found) -> list[str]:
    return sorted(c.key for c in found.candidates)


def offer(title: str) -> Post:
    return Post.objects.get(title=title)


def test_a_broker_sees_open_offers_never_requests(sale):
    found = find_offers(PROFILE, Context(viewer=sale["broker"]))

    assert keys(found) == sorted(
        f"offer:{offer(t).pk}" for t in ("Help in your garden", "Lifts to the shops")
    )
    garden = next(c for c in found.candidates if c.key == f"offer:{offer('Help in your garden').pk}")
    assert garden.kind == "offer"
    assert garden.cost == Cost.FREE
    assert garden.url == f"/timebanks/posts/{offer('Help in your garden').pk}/"
    assert "Weeding, pruning, planting" in garden.text and "allotment" in garden.text
    assert garden.title == "Help in your garden, offered in Sale Timebank"


def test_a_member_is_suggested_with_their_offers_as_skills(sale):
    found = find_members(PROFILE, Context(viewer=sale["bob"]))

    [ann] = found.candidates  # Bob offers nothing, and is not suggested to himself anyway
    membership = Membership.objects.get(user=sale["ann"])
    assert ann.key == f"member:{membership.pk}"
    assert ann.kind == "member"
    assert ann.title == "Ann Gardener, a member of Sale Timebank"
    assert "Help in your garden" in ann.text and "Lifts to the shops" in ann.text


def test_coordinator_outside_the_timebank_sees_no_offer_and_no_member(sale, make_user, team):
    coordinator = make_user(Role.COORDINATOR, teams=[team])
    person = PersonFactory(team=team)
    context = Context(viewer=coordinator, person=person)

    assert timebanks_seen_inside_by(coordinator) == []
    assert find_offers(PROFILE, context).candidates == []
    assert find_members(PROFILE, context).candidates == []
    assert suggest(PROFILE, context, kinds=["offer", "member"]) == []


def test_broker_of_another_timebank_sees_nothing_of_this_one(sale):
    other, other_broker = make_timebank("Altrincham Timebank")

    assert find_offers(PROFILE, Context(viewer=other_broker)).candidates == []
    assert find_members(PROFILE, Context(viewer=other_broker)).candidates == []


def test_the_public_form_gets_nothing_from_timebanks(sale):
    anyone = Context(viewer=None)

    assert find_offers(PROFILE, anyone).candidates == []
    assert find_members(PROFILE, anyone).candidates == []


def test_a_member_who_left_or_an_applicant_sees_nothing(sale):
    left = Membership.objects.get(user=sale["bob"])
    services.set_membership_status(sale["bob"], left, Membership.Status.LEFT)
    applicant = UserFactory()
    services.apply_to_join(applicant, sale["timebank"])

    for outsider in (sale["bob"], applicant):
        assert find_offers(PROFILE, Context(viewer=outsider)).candidates == []
        assert find_members(PROFILE, Context(viewer=outsider)).candidates == []


def test_a_coordinator_who_is_a_member_sees_its_offers(sale, make_user, team):
    coordinator = make_user(Role.COORDINATOR, teams=[team])
    services.approve_member(sale["broker"], services.apply_to_join(coordinator, sale["timebank"]), "Met.")

    found = find_offers(PROFILE, Context(viewer=coordinator, person=PersonFactory(team=team)))

    assert len(found.candidates) == 2


def test_offers_of_a_paused_member_and_closed_offers_are_left_out(sale):
    services.close_post(sale["ann"], offer("Lifts to the shops"))
    assert keys(find_offers(PROFILE, Context(viewer=sale["broker"]))) == [
        f"offer:{offer('Help in your garden').pk}"
    ]

    ann = Membership.objects.get(user=sale["ann"])
    services.set_membership_status(sale["ann"], ann, Membership.Status.PAUSED)
    assert find_offers(PROFILE, Context(viewer=sale["broker"])).candidates == []
    assert find_members(PROFILE, Context(viewer=sale["broker"])).candidates == []


def test_the_person_is_not_suggested_their_own_offers(sale, make_user, team):
    person = PersonFactory(team=team, account=sale["ann"], account_confirmed_at=timezone.now())
    context = Context(viewer=sale["broker"], person=person)

    assert find_offers(PROFILE, context).candidates == []
    assert find_members(PROFILE, context).candidates == []


def test_an_unconfirmed_link_reaches_nothing(sale, team):
    """A team's link to a sign-in the resident has not confirmed is not used, even to leave out."""
    person = PersonFactory(team=team, account=sale["ann"])

    assert len(find_offers(PROFILE, Context(viewer=sale["broker"], person=person)).candidates) == 2


def test_ranked_with_the_fitting_offer_first(sale):
    profile = Profile(name="Sam", phrases=("gardening and weeding",))

    best, second = suggest(profile, Context(viewer=sale["broker"]), kinds=["offer"])

    assert best.candidate.key == f"offer:{offer('Help in your garden').pk}"
    assert best.factors["interest"] > second.factors["interest"]
    assert "free" in best.reasons
