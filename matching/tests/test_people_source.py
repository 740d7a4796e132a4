"""People suggested to a person: only the same team's, only those who agree to be introduced now,
never the erased, never across demo and real, never the person themselves; named by first name."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.tests.factories import TeamFactory
from common.testing import sign_in
from matching import selectors
from people import services as people_services
from people.models import Introduction, Person
from people.tests.factories import PersonFactory

from .helpers import NEAR, agrees_to_be_introduced, sam

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_team():
    return TeamFactory()


@pytest.fixture
def coordinator(make_user, team, other_team):
    """On both teams: still, a person of one is never suggested to a person of the other."""
    return make_user(Role.COORDINATOR, teams=[team, other_team])


@pytest.fixture
def person(team, coordinator):
    return sam(team, coordinator)


def gardener(team, full_name="Patricia Gallagher", **fields):
    from places.tests.factories import PostcodeFactory

    fields.setdefault("postcode", PostcodeFactory(latitude=NEAR[0], longitude=NEAR[1]))
    someone = PersonFactory(
        team=team,
        full_name=full_name,
        what_matters="Gardening, growing vegetables, meeting people",
        free_times=["wed_am"],
        **fields,
    )
    return someone


def _suggested(user, person) -> list[str]:
    found = selectors.suggestions_for(user, Person.objects.get(pk=person.pk), kinds=["person"], limit=None)
    return [s.candidate.key for s in found]


def test_someone_on_the_same_team_who_agrees_is_suggested_by_first_name_with_reasons(
    client, coordinator, team, person
):
    pat = gardener(team)
    agrees_to_be_introduced(pat)
    sign_in(client, coordinator)
    text = client.get(reverse("matching:person", args=[person.pk])).content.decode()
    assert ">Patricia</a>" in text and "Gallagher" not in text
    assert "Someone the team knows" in text
    assert "which Sam said matter" in text and "Wednesdays 9–12, when Sam is free" in text


def test_shown_people_are_on_the_audit_trail_and_those_only_weighed_are_not(
    client, coordinator, team, person
):
    pat = gardener(team)
    agrees_to_be_introduced(pat)
    bob = PersonFactory(team=team, full_name="Bob Chess", what_matters="Chess problems")  # weighed, not shown
    agrees_to_be_introduced(bob)
    sign_in(client, coordinator)
    assert client.get(reverse("matching:person", args=[person.pk])).status_code == 200
    viewed = set(
        AuditEvent.objects.filter(actor=coordinator, action=AuditEvent.Action.VIEW).values_list(
            "target_id", "note"
        )
    )
    assert (str(pat.pk), "suggested") in viewed
    assert str(bob.pk) not in {target for target, _ in viewed}


def test_a_viewer_on_both_teams_never_sees_someone_from_the_other_team(coordinator, person, other_team):
    elsewhere = gardener(other_team)
    agrees_to_be_introduced(elsewhere)
    assert _suggested(coordinator, person) == []


def test_an_administrator_sees_only_the_persons_own_team_too(make_user, person, other_team):
    admin = make_user(Role.ADMINISTRATOR)
    agrees_to_be_introduced(gardener(other_team))
    assert _suggested(admin, person) == []


def test_no_one_without_a_current_consent_to_be_introduced(coordinator, team, person):
    gardener(team)  # agreed to a record, not to introductions
    assert _suggested(coordinator, person) == []


def test_withdrawn_consent_removes_them(coordinator, team, person):
    pat = gardener(team)
    consent = agrees_to_be_introduced(pat)
    assert _suggested(coordinator, person) == [f"person:{pat.pk}"]
    people_services.withdraw_consent(coordinator, consent, date(2026, 3, 1))
    assert _suggested(coordinator, person) == []


def test_erased_people_never_appear(make_user, coordinator, team, person):
    from accounts.tests.factories import TeamMembershipFactory

    pat = gardener(team)
    agrees_to_be_introduced(pat)
    lead = make_user(Role.COORDINATOR)
    TeamMembershipFactory(team=team, user=lead, is_lead=True)
    people_services.erase_person(lead, pat)
    assert _suggested(coordinator, person) == []


def test_demo_people_are_not_suggested_to_real_people_nor_the_other_way(coordinator, team, person):
    demo = gardener(team, is_demo=True)
    agrees_to_be_introduced(demo)
    assert _suggested(coordinator, person) == []
    real = gardener(team, full_name="Real Gardener")
    agrees_to_be_introduced(real)
    demo_person = sam(team, coordinator, is_demo=True)
    assert _suggested(coordinator, demo_person) == [f"person:{demo.pk}"]


def test_the_person_is_never_suggested_to_themselves(coordinator, person):
    agrees_to_be_introduced(person)
    assert _suggested(coordinator, person) == []


def test_someone_who_shares_no_interest_is_not_suggested_however_near(coordinator, team, person):
    agrees_to_be_introduced(PersonFactory(team=team, what_matters="Tax returns and spreadsheets"))
    agrees_to_be_introduced(PersonFactory(team=team, what_matters=""))
    assert _suggested(coordinator, person) == []


def test_introducing_two_people_from_a_suggestion_links_their_records(client, coordinator, team, person):
    pat = gardener(team)
    agrees_to_be_introduced(pat)
    sign_in(client, coordinator)
    client.post(reverse("matching:introduce", args=[person.pk]), {"key": f"person:{pat.pk}", "title": "Pat"})
    made = Introduction.objects.get(person=person)
    assert made.other_person_id == pat.pk and made.status == Introduction.Status.SUGGESTED
    assert _suggested(coordinator, person) == []  # under way: not suggested again
    assert _suggested(coordinator, pat) == []  # nor Sam to Pat, from the other side


def test_introducing_someone_who_no_longer_agrees_is_refused(client, coordinator, team, person):
    pat = gardener(team)  # no consent to be introduced
    sign_in(client, coordinator)
    response = client.post(
        reverse("matching:introduce", args=[person.pk]),
        {"key": f"person:{pat.pk}", "title": "Pat"},
        follow=True,
    )
    assert "can no longer be suggested" in response.content.decode()
    assert not Introduction.objects.exists()


def test_introducing_someone_from_another_team_is_refused(client, coordinator, other_team, person):
    elsewhere = gardener(other_team)
    agrees_to_be_introduced(elsewhere)
    sign_in(client, coordinator)
    client.post(reverse("matching:introduce", args=[person.pk]), {"key": f"person:{elsewhere.pk}"})
    assert not Introduction.objects.exists()
