"""Neighbourhood teams have pages of their own: an administrator sets one up, its members change
its name, area and description and who is on it. Anyone else is refused, and nothing changes."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.tests.factories import UserFactory
from common.errors import NotPermitted, Refusal
from common.testing import assert_denied, sign_in
from neighbourhoods import services
from neighbourhoods.models import NeighbourhoodTeam, TeamMember
from neighbourhoods.selectors import areas_for_team
from places.tests.factories import NeighbourhoodFactory


@pytest.fixture
def teams(db):
    """Partington's team with one member; Carrington's team with its own member; Sale with none."""
    ours = NeighbourhoodTeam.objects.create(
        neighbourhood=NeighbourhoodFactory(name="Partington"), name="Partington team"
    )
    theirs = NeighbourhoodTeam.objects.create(
        neighbourhood=NeighbourhoodFactory(name="Carrington"), name="Carrington team"
    )
    member = UserFactory(role=Role.COORDINATOR, full_name="Maya Okafor", email="maya@example.org")
    TeamMember.objects.create(team=ours, user=member, role="Local Area Coordinator")
    outsider = UserFactory(role=Role.LINK_WORKER)
    TeamMember.objects.create(team=theirs, user=outsider)
    sale = NeighbourhoodFactory(name="Sale")
    return ours, theirs, member, outsider, sale


def _snapshot():
    return sorted(
        NeighbourhoodTeam.objects.values_list("pk", "name", "neighbourhood", "description")
    ), sorted(TeamMember.objects.values_list("team", "user", "role"))


# Setting up a team


def test_an_administrator_sets_up_a_team_through_its_page_and_goes_on_to_add_members(client, teams):
    *_, sale = teams
    admin = UserFactory(role=Role.ADMINISTRATOR)
    sign_in(client, admin)
    page = client.get(reverse("neighbourhoods:list")).content.decode()
    assert reverse("neighbourhoods:new_team") in page
    assert "Sale" in client.get(reverse("neighbourhoods:new_team")).content.decode()
    response = client.post(
        reverse("neighbourhoods:new_team"),
        {"name": " Sale team ", "neighbourhood": sale.pk, "description": "GP, council and the library."},
    )
    team = NeighbourhoodTeam.objects.get(neighbourhood=sale)
    assert (team.name, team.description) == ("Sale team", "GP, council and the library.")
    assert response.status_code == 302 and response["Location"] == reverse(
        "neighbourhoods:add_member", args=[team.pk]
    )
    assert AuditEvent.objects.filter(action="create", actor=admin, target_id=str(team.pk)).exists()


def test_only_areas_without_a_team_are_offered_and_a_taken_one_is_refused(client, teams):
    ours, *_, sale = teams
    admin = UserFactory(role=Role.ADMINISTRATOR)
    assert list(areas_for_team(admin)) == [sale]
    assert set(areas_for_team(admin, ours)) == {sale, ours.neighbourhood}
    with pytest.raises(Refusal) as refused:
        services.create_team(admin, neighbourhood=ours.neighbourhood, name="Another")
    assert "neighbourhood" in refused.value.message_dict
    sign_in(client, admin)
    before = _snapshot()
    page = client.post(
        reverse("neighbourhoods:new_team"), {"name": "Another", "neighbourhood": ours.neighbourhood.pk}
    )
    assert page.status_code == 200 and "Choose one of the areas listed" in page.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "neighbourhood": "sale"}, "Enter the team&#x27;s name"),
        ({"name": "Sale team"}, "Choose the area the team works"),
        ({"name": "Sale team", "neighbourhood": "not-a-number"}, "Choose one of the areas listed"),
        ({"name": "partington TEAM", "neighbourhood": "sale"}, "There is already a team called"),
        ({"name": "x" * 201, "neighbourhood": "sale"}, "Keep it under 200 characters"),
    ],
)
def test_bad_input_setting_up_a_team_says_why_and_saves_nothing(client, teams, data, message):
    *_, sale = teams
    sign_in(client, UserFactory(role=Role.ADMINISTRATOR))
    data = {k: (sale.pk if v == "sale" else v) for k, v in data.items()}
    before = _snapshot()
    response = client.post(reverse("neighbourhoods:new_team"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("who", ["member of a team", "coordinator", "commissioner", "resident", "signed out"])
def test_no_one_but_an_administrator_sets_up_a_team(client, teams, who):
    _, _, member, _, sale = teams
    user = {"member of a team": member, "signed out": None}.get(who) or UserFactory(role=who)
    if user is not None:
        sign_in(client, user)
        with pytest.raises(NotPermitted):
            services.create_team(user, neighbourhood=sale, name="Sale team")
        assert not areas_for_team(user).exists()
    before = _snapshot()
    url = reverse("neighbourhoods:new_team")
    assert_denied(client.get(url))
    assert_denied(client.post(url, {"name": "Sale team", "neighbourhood": sale.pk}))
    assert _snapshot() == before
    if user is not None and user.role != Role.RESIDENT:
        assert url not in client.get(reverse("neighbourhoods:list")).content.decode()


# Changing a team


def test_a_member_changes_their_teams_name_area_and_description(client, teams):
    ours, _, member, _, sale = teams
    sign_in(client, member)
    page = client.get(reverse("neighbourhoods:team", args=[ours.pk])).content.decode()
    assert reverse("neighbourhoods:change_team", args=[ours.pk]) in page
    form = client.get(reverse("neighbourhoods:change_team", args=[ours.pk])).content.decode()
    assert 'value="Partington team"' in form
    response = client.post(
        reverse("neighbourhoods:change_team", args=[ours.pk]),
        {"name": "Partington and Sale team", "neighbourhood": sale.pk, "description": "Meets on Tuesdays."},
    )
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.name, ours.neighbourhood, ours.description) == (
        "Partington and Sale team",
        sale,
        "Meets on Tuesdays.",
    )
    assert AuditEvent.objects.filter(action="update", actor=member, target_id=str(ours.pk)).exists()


def test_a_team_cannot_move_onto_another_teams_area(client, teams):
    ours, theirs, member, *_ = teams
    with pytest.raises(Refusal) as refused:
        services.change_team(member, ours, neighbourhood=theirs.neighbourhood, name="Partington team")
    assert "neighbourhood" in refused.value.message_dict
    ours.refresh_from_db()
    assert ours.neighbourhood.name == "Partington"


# Members


def test_a_member_adds_a_colleague_by_email_who_can_then_record_for_the_team(client, teams):
    ours, _, member, _, _ = teams
    colleague = UserFactory(role=Role.ORGANISATION_EDITOR, full_name="Ravi Shah", email="ravi@example.org")
    sign_in(client, member)
    response = client.post(
        reverse("neighbourhoods:add_member", args=[ours.pk]), {"email": "Ravi@Example.org", "role": "PCSO"}
    )
    assert response.status_code == 302
    assert ours.memberships.get(user=colleague).role == "PCSO"
    services.add_priority(colleague, ours, title="Fuel poverty")  # now on the team, they record for it
    assert "Ravi Shah" in client.get(reverse("neighbourhoods:team", args=[ours.pk])).content.decode()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "No one working with Closeknit signs in with that email address"),
        ("resident@example.org", "No one working with Closeknit signs in with that email address"),
        ("closed@example.org", "No one working with Closeknit signs in with that email address"),
        ("maya@example.org", "is already on Partington team"),
        ("not an email", "Enter an email address like name@example.org"),
        ("", "Enter their email address"),
    ],
)
def test_adding_someone_who_cannot_join_says_why_and_adds_no_one(client, teams, email, message):
    ours, _, member, _, _ = teams
    UserFactory(role=Role.RESIDENT, email="resident@example.org")
    UserFactory(role=Role.COORDINATOR, email="closed@example.org", is_active=False)
    sign_in(client, member)
    before = _snapshot()
    response = client.post(reverse("neighbourhoods:add_member", args=[ours.pk]), {"email": email})
    assert response.status_code == 200 and message in response.content.decode()
    assert _snapshot() == before


def test_a_member_removes_someone_but_not_the_last_member(client, teams):
    ours, _, member, _, _ = teams
    colleague = UserFactory(role=Role.COORDINATOR)
    leaving = TeamMember.objects.create(team=ours, user=colleague)
    sign_in(client, member)
    client.post(reverse("neighbourhoods:remove_member", args=[leaving.pk]))
    assert list(ours.memberships.values_list("user", flat=True)) == [member.pk]
    assert AuditEvent.objects.filter(action="delete", actor=member, target_id=str(leaving.pk)).exists()
    last = ours.memberships.get()
    response = client.post(reverse("neighbourhoods:remove_member", args=[last.pk]), follow=True)
    assert "needs at least one member" in response.content.decode()
    assert ours.memberships.count() == 1


@pytest.mark.parametrize(
    "who", ["member of another team", "coordinator", "commissioner", "resident", "signed out"]
)
def test_no_one_off_the_team_changes_it_or_its_members(client, teams, who):
    ours, _, member, outsider, sale = teams
    user = {"member of another team": outsider, "signed out": None}.get(who) or UserFactory(role=who)
    if user is not None:
        sign_in(client, user)
        with pytest.raises(NotPermitted):
            services.change_team(user, ours, neighbourhood=sale, name="Taken over")
        with pytest.raises(NotPermitted):
            services.add_team_member(user, ours, email=user.email)
        with pytest.raises(NotPermitted):
            services.remove_team_member(user, ours.memberships.get())
        assert not areas_for_team(user, ours).exists()
    before = _snapshot()
    membership = ours.memberships.get()
    for url, data in [
        (
            reverse("neighbourhoods:change_team", args=[ours.pk]),
            {"name": "Taken over", "neighbourhood": sale.pk},
        ),
        (
            reverse("neighbourhoods:add_member", args=[ours.pk]),
            {"email": getattr(user, "email", "x@example.org")},
        ),
        (reverse("neighbourhoods:remove_member", args=[membership.pk]), {}),
    ]:
        if "remove" not in url:
            assert_denied(client.get(url))
        assert_denied(client.post(url, data))
    assert _snapshot() == before
    if user is not None and user.role != Role.RESIDENT:
        page = client.get(reverse("neighbourhoods:team", args=[ours.pk])).content.decode()
        assert "Partington team" in page
        assert reverse("neighbourhoods:change_team", args=[ours.pk]) not in page
        assert reverse("neighbourhoods:add_member", args=[ours.pk]) not in page
        assert "Remove" not in page


def test_an_administrator_changes_any_team(teams):
    ours, *_, sale = teams
    admin = UserFactory(role=Role.ADMINISTRATOR)
    services.change_team(admin, ours, neighbourhood=sale, name="Sale team")
    services.add_team_member(
        admin, ours, email=UserFactory(role=Role.COORDINATOR, email="new@example.org").email
    )
    assert ours.memberships.count() == 2


def test_the_list_shows_a_members_own_teams_first(client, teams):
    ours, _, member, _, _ = teams
    sign_in(client, member)
    page = client.get(reverse("neighbourhoods:list")).content.decode()
    yours = page[page.index("Your team") : page.index("Every team")]
    assert "Partington team" in yours and "Carrington team" not in yours


def test_the_home_page_takes_a_member_to_their_team_and_no_one_else(client, teams):
    ours, theirs, member, _, _ = teams
    sign_in(client, member)
    home = client.get(reverse("home")).content.decode()
    assert reverse("neighbourhoods:team", args=[ours.pk]) in home
    assert reverse("neighbourhoods:team", args=[theirs.pk]) not in home
    sign_in(client, UserFactory(role=Role.COORDINATOR))
    assert "your neighbourhood team" not in client.get(reverse("home")).content.decode()


# Priorities


@pytest.fixture
def priorities(teams):
    ours, _, member, outsider, _ = teams
    made = [services.add_priority(member, ours, title=t) for t in ("Fuel poverty", "Falls", "Self-neglect")]
    return ours, member, outsider, made


def _order(team):
    return list(team.priorities.filter(is_active=True).order_by("rank").values_list("title", "rank"))


def test_a_member_rewords_a_priority_and_moves_it_to_the_top(client, priorities):
    ours, member, _, (fuel, falls, neglect) = priorities
    sign_in(client, member)
    url = reverse("neighbourhoods:change_priority", args=[neglect.pk])
    assert url in client.get(reverse("neighbourhoods:team", args=[ours.pk])).content.decode()
    assert 'value="Self-neglect"' in client.get(url).content.decode()
    response = client.post(url, {"title": "Self-neglect and hoarding", "why": "Three homes", "rank": "1"})
    assert response.status_code == 302
    assert _order(ours) == [("Self-neglect and hoarding", 1), ("Fuel poverty", 2), ("Falls", 3)]
    services.change_priority(member, ours.priorities.get(title="Fuel poverty"), title="Fuel poverty", rank=3)
    assert _order(ours) == [("Self-neglect and hoarding", 1), ("Falls", 2), ("Fuel poverty", 3)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "falls", "rank": "1"}, "already has the priority"),
        ({"title": "", "rank": "1"}, "Enter the priority"),
        ({"title": "Fuel", "rank": "4"}, "Give a place from 1 to 3"),
        ({"title": "Fuel", "rank": "0"}, "1 is the top place"),
        ({"title": "Fuel", "rank": "first"}, "Give its place as a whole number"),
    ],
)
def test_a_bad_change_to_a_priority_says_why_and_changes_nothing(client, priorities, data, message):
    ours, member, _, (fuel, *_) = priorities
    sign_in(client, member)
    before = _order(ours)
    response = client.post(reverse("neighbourhoods:change_priority", args=[fuel.pk]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert _order(ours) == before


def test_a_set_aside_priority_has_no_change_page(client, priorities):
    ours, member, _, (fuel, *_) = priorities
    services.set_aside_priority(member, fuel)
    sign_in(client, member)
    assert client.get(reverse("neighbourhoods:change_priority", args=[fuel.pk])).status_code == 404
    with pytest.raises(Refusal):
        services.change_priority(member, fuel, title="Fuel poverty", rank=1)


@pytest.mark.parametrize("who", ["member of another team", "commissioner", "resident", "signed out"])
def test_no_one_off_the_team_changes_its_priorities(client, priorities, who):
    ours, _, outsider, (fuel, *_) = priorities
    user = {"member of another team": outsider, "signed out": None}.get(who) or UserFactory(role=who)
    if user is not None:
        sign_in(client, user)
        with pytest.raises(NotPermitted):
            services.change_priority(user, fuel, title="Taken over", rank=3)
    before = _order(ours)
    url = reverse("neighbourhoods:change_priority", args=[fuel.pk])
    assert_denied(client.get(url))
    assert_denied(client.post(url, {"title": "Taken over", "rank": "3"}))
    assert _order(ours) == before


def test_a_survey_share_resting_on_too_few_says_why_on_the_team_page(client, teams):
    from datetime import date

    ours, _, member, _, _ = teams
    services.record_survey_round(
        member,
        ours,
        label="Baseline",
        held_on=date(2025, 6, 1),
        respondents=4,
        results={"I know my neighbours": 2},
    )
    services.record_survey_round(
        member,
        ours,
        label="After 12 months",
        held_on=date(2026, 6, 1),
        respondents=20,
        results={"I know my neighbours": 12},
    )
    sign_in(client, member)
    page = client.get(reverse("neighbourhoods:team", args=[ours.pk])).content.decode()
    assert "60.0%" in page and "withheld: it rests on fewer than 5" in page
    assert "It is withheld so that no one can be picked out" in page
