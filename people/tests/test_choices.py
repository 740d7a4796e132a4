"""Choosing a team, a coordinator or another person: the choices are those the requester may see,
and an id outside them is refused exactly as one that does not exist, naming the field and no one,
with nothing saved."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import TeamFactory
from common.testing import sign_in
from directory.tests.factories import ServiceFactory
from people.models import Introduction, Person
from people.tests.factories import PersonFactory


@pytest.fixture
def coordinator(team, make_user):
    return make_user(Role.COORDINATOR, teams=[team], full_name="Cora Ordway")


@pytest.fixture
def person(team, coordinator):
    return PersonFactory(team=team, coordinator=coordinator, full_name="Ada Whitfield")


def _new_person(client, **changes):
    data = {
        "full_name": "Cyril Newman",
        "consent_method": "spoken",
        "consent_given_on": "2026-11-20",
    } | changes
    return client.post(reverse("api_people"), data, content_type="application/json")


def _same_answer(refused, missing, field, refused_pk, missing_pk=999999):
    """The refusal of an id outside the choices reads exactly as that of an id that does not exist."""
    assert refused.status_code == missing.status_code == 400
    assert list(refused.json()) == [field]
    assert refused.json()[field][0].replace(str(refused_pk), "N") == missing.json()[field][0].replace(
        str(missing_pk), "N"
    )


def test_api_refuses_a_team_of_another_organisation_as_if_it_did_not_exist(client, team, coordinator):
    elsewhere = TeamFactory(name="Trafford Mental Health Crisis Team")
    sign_in(client, coordinator)
    refused = _new_person(client, team=elsewhere.pk)
    _same_answer(refused, _new_person(client, team=999999), "team", elsewhere.pk)
    assert "Crisis" not in refused.content.decode()
    assert not Person.objects.exists()


def test_api_refuses_a_staff_member_of_another_team_as_coordinator_without_naming_them(
    client, team, coordinator, make_user
):
    stranger = make_user(Role.COORDINATOR, teams=[TeamFactory()], full_name="Yusuf Staffman")
    sign_in(client, coordinator)
    refused = _new_person(client, team=team.pk, coordinator=stranger.pk)
    _same_answer(refused, _new_person(client, team=team.pk, coordinator=999999), "coordinator", stranger.pk)
    assert "Yusuf" not in refused.content.decode() and "Staffman" not in refused.content.decode()
    assert not Person.objects.exists()


def test_api_change_cannot_move_a_person_to_another_organisations_team(client, person, coordinator):
    elsewhere = TeamFactory()
    sign_in(client, coordinator)
    refused = client.patch(
        reverse("api_person", args=[person.pk]), {"team": elsewhere.pk}, content_type="application/json"
    )
    assert refused.status_code == 400 and "team" in refused.json()
    assert "Invalid pk" in refused.json()["team"][0]
    assert Person.objects.get(pk=person.pk).team_id == person.team_id


def test_api_refuses_another_teams_person_in_an_introduction_without_naming_them(client, person, coordinator):
    zelda = PersonFactory(full_name="Zelda Quince")  # on another team
    sign_in(client, coordinator)
    url = reverse("api_introductions", args=[person.pk])
    refused = client.post(url, {"other_person": zelda.pk}, content_type="application/json")
    missing = client.post(url, {"other_person": 999999}, content_type="application/json")
    _same_answer(refused, missing, "other_person", zelda.pk)
    assert "Zelda" not in refused.content.decode() and "Quince" not in refused.content.decode()
    assert not Introduction.objects.exists()


def test_api_refuses_an_unpublished_listing_as_if_it_did_not_exist(client, person, coordinator):
    draft = ServiceFactory(name="Draft listing", listing_status="draft")
    sign_in(client, coordinator)
    url = reverse("api_introductions", args=[person.pk])
    refused = client.post(url, {"listing": draft.pk}, content_type="application/json")
    missing = client.post(url, {"listing": 999999}, content_type="application/json")
    _same_answer(refused, missing, "listing", draft.pk)
    assert not Introduction.objects.exists()


def test_introduction_form_refuses_another_teams_person_without_naming_them(client, person, coordinator):
    zelda = PersonFactory(full_name="Zelda Quince")
    sign_in(client, coordinator)
    page = client.post(
        reverse("people:add_introduction", args=[person.pk]),
        {"other_person": zelda.pk, "status": "suggested", "made_on": "2026-11-20"},
    ).content.decode()
    assert "Choose someone from your own teams" in page and "Zelda" not in page
    assert not Introduction.objects.exists()


def test_a_resident_on_the_team_cannot_be_made_someones_coordinator(client, make_user):
    """Only staff whose work is with people coordinate: a resident or commissioner on the team is
    neither offered nor accepted."""
    from people.tests.factories import PersonFactory

    person = PersonFactory()
    coordinator = make_user(Role.COORDINATOR, teams=[person.team])
    resident = make_user(Role.RESIDENT, teams=[person.team])
    sign_in(client, coordinator)
    form = client.get(reverse("people:change_person", args=[person.pk])).content.decode()
    assert resident.full_name not in form
    answer = client.patch(
        reverse("api_person", args=[person.pk]), {"coordinator": resident.pk}, content_type="application/json"
    )
    assert answer.status_code == 400 and "coordinator" in answer.json()
    assert resident.full_name not in answer.content.decode()
    person.refresh_from_db()
    assert person.coordinator_id != resident.pk
