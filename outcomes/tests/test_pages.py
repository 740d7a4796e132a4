"""Outcome pages: a person's change is on their record for their team; commissioners see only
aggregates; bad answers name the question and save nothing."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import TeamFactory, UserFactory
from common.testing import sign_in
from outcomes import services
from outcomes.models import Instrument, OutcomeEvent, Response
from people.tests.factories import PersonFactory


@pytest.fixture
def person(db):
    person = PersonFactory(full_name="Ada Whitfield")
    coordinator = UserFactory(role=Role.COORDINATOR, teams=[person.team])
    return person, coordinator


def test_first_and_latest_answers_and_the_change_are_on_the_record(client, person):
    ada, coordinator = person
    ons4 = Instrument.objects.get(code="ons4")
    services.record_response(
        coordinator, ada, ons4, date(2026, 3, 1), {"satisfied": 3, "worthwhile": 4, "happy": 5, "anxious": 8}
    )
    services.record_response(
        coordinator, ada, ons4, date(2026, 9, 1), {"satisfied": 7, "worthwhile": 4, "happy": 6, "anxious": 3}
    )
    sign_in(client, coordinator)
    page = client.get(reverse("outcomes:person", args=[ada.pk])).content.decode()
    assert "From 1 Mar 2026 to 1 Sep 2026" in page
    satisfied = page[page.index("how satisfied are you") :][:600]
    assert (
        "3" in satisfied
        and "(Low)" in satisfied
        and "(High)" in satisfied
        and "Better" in satisfied
        and "+4" in satisfied
    )
    anxious = page[page.index("how anxious did you feel") :][:600]
    assert "Better" in anxious and "-5" in anxious  # less anxious is better
    assert "No change" in page[page.index("worthwhile?") :][:600]


def test_answering_a_questionnaire_through_the_page(client, person):
    ada, coordinator = person
    ucla = Instrument.objects.get(code="ucla3")
    sign_in(client, coordinator)
    url = reverse("outcomes:record_response", args=[ada.pk, ucla.pk])
    page = client.post(url, {"item_companionship": "2", "on": "2026-11-01"}).content.decode()
    assert "Answer question 2" in page and not Response.objects.exists()
    data = {"item_companionship": "2", "item_left_out": "3", "item_isolated": "2", "on": "2026-11-01"}
    assert client.post(url, data).status_code == 302
    assert Response.objects.get().scores == {"total": 7, "band": "Lonely (6 to 9)"}


def test_outcome_event_needs_evidence(client, person):
    ada, coordinator = person
    sign_in(client, coordinator)
    url = reverse("outcomes:record_outcome", args=[ada.pk])
    page = client.post(url, {"kind": "crisis_avoided", "on": "2026-11-01", "evidence": ""}).content.decode()
    assert "Say what shows it happened" in page and not OutcomeEvent.objects.exists()
    client.post(url, {"kind": "crisis_avoided", "on": "2026-11-01", "evidence": "Rent arrears plan agreed"})
    assert OutcomeEvent.objects.get().kind == "crisis_avoided"


def test_other_teams_and_commissioners_never_see_a_persons_outcomes(client, person):
    ada, coordinator = person
    for user, status in [
        (UserFactory(role=Role.COORDINATOR, teams=[TeamFactory()]), 404),
        (UserFactory(role=Role.COMMISSIONER), 403),
        (UserFactory(role=Role.RESIDENT), 403),
    ]:
        sign_in(client, user)
        for url in ("outcomes:person", "outcomes:record_outcome"):
            response = client.get(reverse(url, args=[ada.pk]))
            assert response.status_code == status and b"Whitfield" not in response.content


def test_commissioners_see_reach_without_any_personal_data(client, db):
    from django.utils import timezone

    from people.models import Conversation

    people = [PersonFactory(full_name=f"Zed Quillfeather {n}") for n in range(6)]
    for person in people:  # supported in the last 12 months, the page's period unless chosen
        Conversation.objects.create(person=person, happened_on=timezone.localdate(), kind="visit", notes="x")
    commissioner = UserFactory(role=Role.COMMISSIONER)
    sign_in(client, commissioner)
    page = client.get(reverse("outcomes:reach")).content.decode()
    assert "6</span>people supported" in page
    assert "Quillfeather" not in page and str(people[0].pk) not in page
    sign_in(client, UserFactory(role=Role.COORDINATOR, teams=[people[0].team]))
    assert client.get(reverse("outcomes:reach")).status_code == 403


def test_goals_are_rated_over_time_on_the_outcomes_page(client, person):
    from people.models import Goal

    ada, coordinator = person
    goal = Goal.objects.create(
        person=ada, description="Walk to the shops on my own", set_on=date(2026, 1, 10)
    )
    sign_in(client, coordinator)
    url = reverse("outcomes:rate_goal", args=[ada.pk, goal.pk])
    assert "before the goal was set" in client.post(url, {"rating": "3", "on": "2026-01-01"}).content.decode()
    assert (
        "Choose a rating from 1 to 10"
        in client.post(url, {"rating": "11", "on": "2026-02-01"}).content.decode()
    )
    client.post(url, {"rating": "3", "on": "2026-02-01"})
    client.post(url, {"rating": "7", "on": "2026-08-01"})
    page = client.get(reverse("outcomes:person", args=[ada.pk])).content.decode()
    assert "3/10 on 1 Feb 2026 → 7/10 on 1 Aug 2026" in page
    assert goal.ratings.count() == 2
