"""Who may read and change neighbourhood teams, asked of neighbourhoods.permissions, and the
service's own refusal reaching the page."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from common.errors import NotPermitted
from common.testing import sign_in
from neighbourhoods import services, views
from neighbourhoods.models import Measure, NeighbourhoodTeam, Priority, Reading, TeamMember
from neighbourhoods.permissions import may_record_for_team, may_see_teams
from neighbourhoods.selectors import teams_visible_to
from places.tests.factories import NeighbourhoodFactory

STAFF_ROLES = [r for r in Role.values if r != Role.RESIDENT]


def _team(name: str) -> NeighbourhoodTeam:
    return NeighbourhoodTeam.objects.create(
        neighbourhood=NeighbourhoodFactory(name=name), name=f"{name} team"
    )


@pytest.fixture
def teams(db):
    ours, theirs = _team("Partington"), _team("Carrington")
    member = UserFactory(role=Role.COORDINATOR)
    TeamMember.objects.create(team=ours, user=member, role="Local Area Coordinator")
    return ours, theirs, member


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_staff_role_sees_the_teams(db, role):
    user = UserFactory(role=role)
    assert may_see_teams(user)
    _team("Partington")
    assert teams_visible_to(user).count() == 1


def test_residents_anonymous_and_closed_accounts_do_not_see_the_teams(db):
    _team("Partington")
    resident = UserFactory(role=Role.RESIDENT)
    closed = UserFactory(role=Role.COORDINATOR, is_active=False)
    for user in (resident, AnonymousUser(), closed):
        assert not may_see_teams(user)
        assert not teams_visible_to(user).exists()


def test_a_superuser_sees_the_teams_whatever_their_role(db):
    assert may_see_teams(UserFactory(role=Role.RESIDENT, is_superuser=True))


def test_a_member_records_for_their_own_team_only(teams):
    ours, theirs, member = teams
    assert may_record_for_team(member, ours)
    assert not may_record_for_team(member, theirs)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_no_role_but_administrator_records_for_a_team_it_is_not_on(teams, role):
    ours, _, _ = teams
    assert may_record_for_team(UserFactory(role=role), ours) == (role == Role.ADMINISTRATOR)


def test_a_superuser_records_for_any_team_and_anonymous_or_closed_for_none(teams):
    ours, _, member = teams
    assert may_record_for_team(UserFactory(role=Role.COORDINATOR, is_superuser=True), ours)
    assert not may_record_for_team(AnonymousUser(), ours)
    member.is_active = False
    member.save()
    assert not may_record_for_team(member, ours)


def test_the_service_refuses_someone_not_on_the_team_as_not_permitted(teams):
    _, theirs, member = teams
    with pytest.raises(NotPermitted, match="Only members of Carrington team"):
        services.add_priority(member, theirs, title="Loneliness")
    assert not Priority.objects.exists()


def test_the_services_refusal_reaches_the_page_as_403_even_if_the_view_forgot_to_ask(
    client, teams, monkeypatch
):
    _, theirs, member = teams
    priority = Priority.objects.create(team=theirs, title="Fuel poverty", rank=1)
    measure = Measure.objects.create(
        priority=priority,
        name="Homes",
        baseline=Decimal("1"),
        target=Decimal("9"),
        target_by=date(2030, 1, 1),
    )
    monkeypatch.setattr(views, "may_record_for_team", lambda user, team: True)
    sign_in(client, member)
    reading = client.post(
        reverse("neighbourhoods:reading", args=[measure.pk]), {"on": "2026-01-01", "value": "5"}
    )
    set_aside = client.post(reverse("neighbourhoods:set_aside_priority", args=[priority.pk]))
    assert (reading.status_code, set_aside.status_code) == (403, 403)
    priority.refresh_from_db()
    assert priority.is_active and not Reading.objects.exists()
