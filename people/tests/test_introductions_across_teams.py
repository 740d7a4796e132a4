"""An introduction between people on two teams (made by someone on both): each team knows the
other person only by first name, and that another team knows them. Neither gets a link to, nor
an id of, the other team's record."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import TeamFactory
from common.testing import sign_in
from people.models import Introduction
from people.subject_access import subject_access_data
from people.tests.factories import IntroductionFactory, PersonFactory


@pytest.fixture
def link(db, make_user):
    team_a, team_b = TeamFactory(name="Sale LAC team"), TeamFactory(name="Partington link workers")
    ada = PersonFactory(team=team_a, full_name="Ada Whitfield")
    zelda = PersonFactory(team=team_b, full_name="Zelda Quince")
    both = make_user(Role.COORDINATOR, teams=[team_a, team_b])
    in_a = make_user(Role.COORDINATOR, teams=[team_a])
    in_b = make_user(Role.COORDINATOR, teams=[team_b])
    intro = IntroductionFactory(person=ada, other_person=zelda, elsewhere="", made_by=both)
    return intro, ada, zelda, in_a, in_b


def test_practitioner_on_both_teams_can_introduce_across_them(client, db, make_user):
    team_a, team_b = TeamFactory(), TeamFactory()
    ada, zelda = PersonFactory(team=team_a), PersonFactory(team=team_b)
    sign_in(client, make_user(Role.COORDINATOR, teams=[team_a, team_b]))
    response = client.post(
        reverse("api_introductions", args=[ada.pk]),
        {"other_person": zelda.pk},
        content_type="application/json",
    )
    assert response.status_code == 201 and Introduction.objects.get().other_person == zelda


def test_first_persons_team_sees_only_the_other_persons_first_name(client, link):
    intro, ada, zelda, in_a, in_b = link
    sign_in(client, in_a)
    page = client.get(reverse("people:person", args=[ada.pk])).content.decode()
    assert "Zelda (known to another team)" in page
    assert "Quince" not in page and str(zelda.pk) not in page
    body = client.get(reverse("api_introductions", args=[ada.pk])).json()["results"][0]
    assert body["to"] == "Zelda (known to another team)" and body["other_person"] is None
    assert "Quince" not in str(body) and str(zelda.pk) not in str(body)
    assert client.get(reverse("people:person", args=[zelda.pk])).status_code == 404


def test_other_persons_team_sees_the_introduction_naming_the_first_person_by_first_name(client, link):
    intro, ada, zelda, in_a, in_b = link
    sign_in(client, in_b)
    page = client.get(reverse("people:person", args=[zelda.pk])).content.decode()
    assert "Ada (known to another team)" in page  # on Zelda's relationships map and its table
    assert "Whitfield" not in page and str(ada.pk) not in page
    assert client.get(reverse("people:person", args=[ada.pk])).status_code == 404


def test_subject_access_names_the_other_team_person_by_first_name_only(link):
    intro, ada, zelda, in_a, in_b = link
    zeldas = subject_access_data(zelda)
    adas = subject_access_data(ada)
    assert "Whitfield" not in str(zeldas) and "Ada (known to another team)" in str(zeldas)
    assert "Quince" not in str(adas) and "Zelda (known to another team)" in str(adas)


def test_an_introduction_within_one_team_names_the_person_in_full(client, db, make_user, team):
    ada, bert = (
        PersonFactory(team=team, full_name="Ada Whitfield"),
        PersonFactory(team=team, full_name="Bert Marsh"),
    )
    IntroductionFactory(person=ada, other_person=bert, elsewhere="")
    sign_in(client, make_user(Role.COORDINATOR, teams=[team]))
    page = client.get(reverse("people:person", args=[ada.pk])).content.decode()
    assert "Bert Marsh" in page and reverse("people:person", args=[bert.pk]) in page
