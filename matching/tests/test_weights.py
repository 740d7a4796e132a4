"""A team's weights: shown to its members with what each factor means, changed by its leads and
administrators (audited), refused to others (403), bad numbers named; and they change the order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory, TeamMembershipFactory
from common.testing import sign_in
from matching.models import TeamWeights
from matching.ranking import DEFAULT_WEIGHTS, Weights

from .helpers import FAR, NEAR, listing, sam, use_listing_source

pytestmark = pytest.mark.django_db

DEFAULTS = {name: str(getattr(DEFAULT_WEIGHTS, name)) for name in Weights.names()}


@pytest.fixture
def coordinator(make_user, team):
    return make_user(Role.COORDINATOR, teams=[team])


@pytest.fixture
def lead(make_user, team):
    user = make_user(Role.COORDINATOR)
    TeamMembershipFactory(team=team, user=user, is_lead=True)
    return user


def _url(team) -> str:
    return f"{reverse('matching:weights')}?team={team.pk}"


def test_members_see_each_factor_its_default_and_the_teams_weight_read_only(client, coordinator, team):
    sign_in(client, coordinator)
    text = client.get(_url(team)).content.decode()
    assert "Fits what they said" in text and "Near them" in text and "Not tried before" in text
    assert "compared by meaning" in text  # each factor in plain words
    assert '<form method="post"' not in text.split("<main")[1]
    assert "leads and administrators can change these weights." in text


def test_a_member_who_is_not_a_lead_cannot_change_them(client, coordinator, team):
    sign_in(client, coordinator)
    assert client.post(_url(team), {**DEFAULTS, "interest": "0"}).status_code == 403
    assert not TeamWeights.objects.exists()


def test_a_lead_changes_them_and_the_change_is_audited(client, lead, team):
    sign_in(client, lead)
    response = client.post(_url(team), {**DEFAULTS, "distance": "4.5"})
    assert response.status_code == 302
    weights = TeamWeights.objects.get(team=team)
    assert weights.distance == Decimal("4.50") and weights.changed_by == lead
    assert AuditEvent.objects.filter(
        actor=lead,
        action=AuditEvent.Action.UPDATE,
        target_id=str(weights.pk),
        note="suggestion weights changed",
    ).exists()
    assert "4.5" in client.get(_url(team)).content.decode()


def test_an_administrator_may_change_any_teams(client, make_user, team):
    sign_in(client, make_user(Role.ADMINISTRATOR))
    assert client.post(_url(team), {**DEFAULTS, "cost": "2"}).status_code == 302
    assert TeamWeights.objects.get(team=team).cost == Decimal("2.00")


def test_another_teams_weights_are_not_found(client, lead):
    sign_in(client, lead)
    other = TeamFactory()
    assert client.get(_url(other)).status_code == 404
    assert client.post(_url(other), DEFAULTS).status_code == 404
    assert client.get(f"{reverse('matching:weights')}?team=nonsense").status_code == 404


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Enter a number from 0 to 10 for “Near them”"),
        ("10.5", "Enter a number from 0 to 10 for “Near them”"),
        ("lots", "Enter a number from 0 to 10 for “Near them”"),
        ("", "Enter a number from 0 to 10 for “Near them”"),
        ("NaN", "Enter a number from 0 to 10 for “Near them”"),
    ],
)
def test_bad_weights_get_a_message_naming_the_field_and_nothing_is_saved(client, lead, team, value, message):
    sign_in(client, lead)
    response = client.post(_url(team), {**DEFAULTS, "distance": value})
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text and 'href="#id_distance"' in text
    assert not TeamWeights.objects.exists()


def test_the_service_refuses_bad_weights_too(lead, team):
    from common.errors import Refusal
    from matching.services import set_team_weights

    with pytest.raises(Refusal) as refused:
        set_team_weights(lead, team, {**DEFAULTS, "time": "11", "access": "x"})
    assert set(refused.value.message_dict) == {"time", "access"}
    assert not TeamWeights.objects.exists()


def test_weights_change_the_order_of_the_pages_suggestions(client, lead, team, monkeypatch):
    use_listing_source(monkeypatch)
    listing("Allotment gardening group", "Gardening and growing vegetables together.", FAR)
    listing("Knitting circle", "Knitting and crochet.", NEAR)
    person = sam(team, lead)
    sign_in(client, lead)

    def order() -> list[str]:
        text = client.get(reverse("matching:person", args=[person.pk])).content.decode()
        return sorted(["Allotment gardening group", "Knitting circle"], key=text.index)

    assert order() == ["Allotment gardening group", "Knitting circle"]  # fits what Sam said
    client.post(_url(team), {**DEFAULTS, "interest": "0", "distance": "10"})
    assert order() == ["Knitting circle", "Allotment gardening group"]  # nearest first now
